import re

from shared.identifiers import (
    REFERENCE_ALPHABET,
    new_reference,
    new_tracking_token,
    normalize_reference,
)


def test_reference_reads_like_AM_four_dash_four_without_lookalike_characters():
    for _ in range(500):
        reference = new_reference()
        assert re.fullmatch(r"AM-[2-9A-Z]{4}-[2-9A-Z]{4}", reference)
        assert not set(reference[3:].replace("-", "")) & set("01ILOU")


def test_reference_alphabet_has_thirty_distinct_characters():
    assert len(set(REFERENCE_ALPHABET)) == len(REFERENCE_ALPHABET) == 30


def test_tracking_token_carries_at_least_128_random_bits():
    tokens = {new_tracking_token() for _ in range(1000)}
    assert len(tokens) == 1000
    for token in tokens:
        # URL-safe base64 of 32 bytes: 43 characters of 6 bits = 256 bits.
        assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token)


def test_reference_read_over_the_phone_is_normalised():
    assert normalize_reference("am 7k3q 9xpd") == "AM-7K3Q-9XPD"
    assert normalize_reference("7K3Q9XPD") == "AM-7K3Q-9XPD"
    assert normalize_reference("AM-7K3Q-9XP") is None
    assert normalize_reference("AM-0K3Q-9XPD") is None
