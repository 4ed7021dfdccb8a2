import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Every test here makes agents; the real hasher's cost buys nothing in a test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
