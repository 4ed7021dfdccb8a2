"""A review table: its columns and rows, shown on a page and exported as CSV from the same cells.

Cells hold numbers already rounded (Decimal), plain text, None for "no
figure", or a Link. The page prints them as they are and the CSV writes them
as they are, so the two cannot differ; only the page adds the "—" for None.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Choices
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language

from shared.people import full_name

ONE_PLACE = Decimal("0.1")
TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Column:
    label: str | Promise
    numeric: bool = False


@dataclass(frozen=True)
class Link:
    """A cell that opens something on the page; the CSV keeps the text."""

    text: str
    href: str

    def __str__(self) -> str:
        return self.text


@dataclass
class Table:
    name: str
    caption: str | Promise
    columns: list[Column]
    rows: Iterable[list[object]]  # a list on the page; any iterable (a generator) for the CSV
    total: int | None = None  # all the rows there are, when the page shows a slice

    def cells(self) -> Iterator[list[tuple[object, Column]]]:
        """Each row as ``[(value, column)]``: what the page's template walks through."""
        for row in self.rows:
            yield list(zip(row, self.columns, strict=True))


def rounded(value: object, places: Decimal = ONE_PLACE) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(places, rounding=ROUND_HALF_UP)


def percent(part: int | Decimal, whole: int | Decimal | None) -> Decimal | None:
    """``part`` as a percentage of ``whole``, one decimal; None when there is nothing to divide."""
    if not whole:
        return None
    return rounded(Decimal(part) * 100 / Decimal(whole))


def hours(value: timedelta | int | None) -> Decimal | None:
    if value is None:
        return None
    if not isinstance(value, timedelta):
        value = timedelta(microseconds=value)
    return rounded(Decimal(value.total_seconds()) / 3600)


def days(value: timedelta | None) -> Decimal | None:
    if value is None:
        return None
    return rounded(Decimal(value.total_seconds()) / 86400)


def money(value: Decimal | None) -> Decimal | None:
    return None if value is None else rounded(value, TWO_PLACES)


def nps(promoters: int, detractors: int, answers: int) -> Decimal | None:
    """Net Promoter Score: % promoters minus % detractors, from -100 to 100, one decimal."""
    if not answers:
        return None
    return rounded(Decimal(promoters - detractors) * 100 / Decimal(answers))


def when(value: datetime | None) -> str | None:
    """A moment in local time, the same on the page and in the CSV."""
    return None if value is None else timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def category_name(name_en: str, name_fr: str) -> str:
    return name_fr if (get_language() or "en").startswith("fr") else name_en


def person(first_name: str, last_name: str, username: str) -> str:
    return full_name(first_name, last_name, username)


def label_of(choices: type[Choices], value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value
