"""Amounts as people type and read them, in their own language.

A French agent types "12,50" and reads "12,50 €"; an English one types
"12.50" and reads "€12.50". Only the text changes: what is stored and
checked is always a Decimal (``recovery.compensation.money_clean``). The
rules follow CLDR's for the languages we speak, written small instead of
pulling in Babel: the number comes from Django's formats for the active
language, the currency's sign goes before it in English and after it (with
a non-breaking space) in French.
"""

import re
from decimal import Decimal

from django.utils import formats, numberformat
from django.utils.translation import get_language

NBSP = "\u00a0"
# Spaces people type, or paste from a formatted amount, between thousands.
_SPACES = re.compile(r"[\s\u00a0\u202f]")
# The signs customers know; any other currency is written as its ISO code.
_SIGNS = {
    "en": {"EUR": "€", "GBP": "£", "USD": "US$"},
    "fr": {"EUR": "€", "GBP": "£", "USD": "$US"},
}
# Where the sign goes: before the number, or after it.
_SIGN_AFTER = {"fr"}


def _language(language: str | None = None) -> str:
    return (language or get_language() or "en").split("-")[0]


def money_format(
    amount: Decimal | str | None, currency: str, *, language: str | None = None
) -> str:
    """``amount`` in ``currency`` as the reader's language writes it: "€1,250.00", "1 250,00 €".

    ``amount`` is a Decimal (or its string); ``None`` gives "". Always two
    decimals and thousands grouped, so a column of amounts lines up.
    """
    if amount is None or amount == "":
        return ""
    language = _language(language)
    number = numberformat.format(
        Decimal(amount),
        formats.get_format("DECIMAL_SEPARATOR", language),
        decimal_pos=2,
        grouping=formats.get_format("NUMBER_GROUPING", language),
        thousand_sep=formats.get_format("THOUSAND_SEPARATOR", language),
        force_grouping=True,
        use_l10n=True,
    )
    sign = _SIGNS.get(language, _SIGNS["en"]).get(currency, currency)
    if language in _SIGN_AFTER:
        return f"{number}{NBSP}{sign}"
    # "€12.50", but "CHF 12.50": a code needs a space to be read.
    return f"{sign}{number}" if not sign[-1:].isalpha() else f"{sign}{NBSP}{number}"


def amount_parse(text: str | None) -> str:
    """What the agent typed, in the active language, as the text of a Decimal: "1 250,50" → "1250.50".

    The language's decimal separator becomes a point (a point is accepted in
    French too: a phone's keypad may offer only that); spaces go. Its
    thousands separator is dropped only where it groups thousands ("1,250.50"
    in English), so an English "12,50" stays unreadable and is refused rather
    than taken for 1250. Not a number check: ``money_clean`` makes that,
    with its messages.
    """
    text = _SPACES.sub("", text or "")
    decimal = formats.get_format("DECIMAL_SEPARATOR")
    thousands = _SPACES.sub("", formats.get_format("THOUSAND_SEPARATOR"))
    whole, separator, cents = text.rpartition(decimal) if decimal in text else (text, "", "")
    if thousands and thousands != decimal:
        grouped = rf"[+-]?\d{{1,3}}({re.escape(thousands)}\d{{3}})+"
        if re.fullmatch(grouped, whole):
            whole = whole.replace(thousands, "")
    return f"{whole}.{cents}" if separator else whole
