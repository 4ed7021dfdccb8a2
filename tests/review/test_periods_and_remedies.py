"""Periods read from the query string, and remedies sorted into buckets the same in SQL and Python."""

from datetime import UTC, date, timedelta

import pytest
from django.http import QueryDict

from complaints.models import Complaint
from review.periods import MAX_DAYS, period_from_params
from review.remedies import BUCKETS, NOT_STATED, OTHER, bucket_of, remedy_bucket
from tests.factories import ComplaintFactory

TODAY = date(2026, 4, 10)


def period(query):
    return period_from_params(QueryDict(query), today=TODAY)


def test_the_default_period_is_this_month():
    p = period("")
    assert (p.kind, p.first_day, p.last_day) == ("month", date(2026, 4, 1), date(2026, 4, 30))


def test_a_week_runs_monday_to_sunday_around_the_date_given():
    p = period("period=week&date=2026-03-04")
    assert (p.first_day, p.last_day) == (date(2026, 3, 2), date(2026, 3, 8))
    assert (p.previous().first_day, p.following().first_day) == (
        date(2026, 2, 23),
        date(2026, 3, 9),
    )


def test_the_month_before_march_is_february_whatever_its_length():
    p = period("period=month&date=2026-03-31")
    assert p.previous().first_day == date(2026, 2, 1)
    assert p.previous().last_day == date(2026, 2, 28)


def test_the_month_of_the_dst_change_ends_at_local_midnight():
    p = period("period=month&date=2026-03-15")
    # 31 days less the hour lost on 29 March.
    assert p.end.astimezone(UTC) - p.start.astimezone(UTC) == timedelta(days=31, hours=-1)
    assert p.end.utcoffset() == timedelta(hours=2)


def test_chosen_days_are_swapped_when_reversed_and_cut_to_two_years():
    p = period("period=custom&from=2026-03-10&to=2026-03-01")
    assert (p.first_day, p.last_day, p.length) == (date(2026, 3, 1), date(2026, 3, 10), 10)
    assert p.previous().last_day == date(2026, 2, 28) and p.previous().length == 10
    assert period("period=custom&from=2020-01-01&to=2026-01-01").length == MAX_DAYS


@pytest.mark.parametrize("query", ["period=custom&from=nonsense", "period=year"])
def test_an_unreadable_period_falls_back_to_this_month(query):
    assert period(query) == period("")


def test_an_unreadable_date_falls_back_to_today():
    assert period("period=week&date=2026-13-45").first_day == date(2026, 4, 6)


SAMPLES = [
    ("", NOT_STATED),
    ("A full REFUND please", "refund"),
    ("Le remboursement du double paiement.", "refund"),
    ("Un nouvel envoi en express.", "replacement"),
    ("A replacement, please.", "replacement"),
    ("Un bon d'achat", "voucher"),
    ("20% off next time", "discount"),
    ("An apology.", "apology"),
    ("An apology and a refund", "refund"),
    ("Just fix the app", "repair"),
    ("Please call me back and explain", "explanation"),
    ("Nothing, I wanted you to know", OTHER),
]


@pytest.mark.parametrize("text, bucket", SAMPLES)
def test_a_remedy_lands_in_the_first_bucket_whose_words_it_contains(text, bucket):
    assert bucket_of(text) == bucket


@pytest.mark.django_db
def test_the_database_sorts_remedies_exactly_as_python_does():
    texts = [text for text, _bucket in SAMPLES]
    texts += [word.upper() for _key, _label, _kind, words in BUCKETS for word in words]
    texts += ["under_score", "100%"]
    for text in texts:
        ComplaintFactory(remedy_sought=text)
    in_sql = dict(
        Complaint.objects.annotate(bucket=remedy_bucket()).values_list("remedy_sought", "bucket")
    )
    assert in_sql == {text: bucket_of(text) for text in texts}
