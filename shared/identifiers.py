"""Complaint references and tracking tokens.

A reference is read over the phone, so it avoids look-alike characters
(0/O, 1/I/L, and U, heard as V): ``AM-7K3Q-9XPD`` draws 8 characters from 30, about 39 bits,
enough that a clash is rare and retried. It is a name, not a secret. The
tracking token is the secret: 32 random bytes (256 bits), URL-safe.
"""

import re
import secrets

REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
REFERENCE_RE = re.compile(rf"^AM-[{REFERENCE_ALPHABET}]{{4}}-[{REFERENCE_ALPHABET}]{{4}}$")
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")


def new_reference() -> str:
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"AM-{chars[:4]}-{chars[4:]}"


def new_tracking_token() -> str:
    return secrets.token_urlsafe(32)


def normalize_reference(text: str | None) -> str | None:
    """Accept what a customer might read out: any case, spaces, missing dashes."""
    cleaned = re.sub(r"[^0-9A-Za-z]", "", text or "").upper()
    if cleaned.startswith("AM"):
        cleaned = cleaned[2:]
    if len(cleaned) != 8:
        return None
    candidate = f"AM-{cleaned[:4]}-{cleaned[4:]}"
    return candidate if REFERENCE_RE.match(candidate) else None
