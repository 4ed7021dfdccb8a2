"""How Amends names a colleague: their full name, the username only when they have none.

Colleagues know each other by name, not by login; every page, email, API answer
and review table names people through here, so none can show a bare username
beside a full name elsewhere.
"""

from django.contrib.auth.models import AbstractUser


def full_name(first_name: str, last_name: str, username: str) -> str:
    """The name from its parts (for rows read as values, without a User)."""
    return " ".join(part for part in (first_name, last_name) if part) or username


def person_name(user: AbstractUser | None) -> str:
    """``user``'s name; empty for nobody."""
    if user is None:
        return ""
    return full_name(user.first_name, user.last_name, user.get_username())
