"""Each indicator of March 2026 on the hand-built history (tests/review/conftest.py)."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from review.figures import review_indicators
from review.tables.indicators import indicator_rows, indicator_tables
from tests.review.conftest import MARCH, NOW

pytestmark = pytest.mark.django_db


@pytest.fixture
def march(history):
    figures = review_indicators(period=MARCH, now=NOW)
    return figures, indicator_tables(figures)


def values(figures):
    return {key: (value, based_on) for key, value, based_on in indicator_rows(figures)}


def test_complaints_received_count_march_submissions_by_channel_and_category(march):
    figures, tables = march
    assert values(figures)["received"] == (6, None)
    assert tables["received_by_channel"].rows == [
        ["Web form", 3, D("50.0")],
        ["API", 1, D("16.7")],
        ["Email", 1, D("16.7")],
        ["Phone", 1, D("16.7")],
    ]
    assert tables["received_by_category"].rows == [
        ["Delivery", 4, D("66.7")],
        ["Billing", 2, D("33.3")],
    ]


def test_promise_kept_counts_promises_due_in_the_period_and_leaves_spam_out(march):
    # Due in March: T1, T2, T3, T4 and February's T5 (T6 is spam, T7 is due in April).
    # Kept: T1, T4, T5. Late: T2. Never called: T3.
    assert values(march[0])["promise_kept"] == (D("60.0"), 5)


def test_time_to_first_contact_median_and_p90_over_march_contacts(march):
    # First contacts in March: T4 1 h, T1 2 h, T5 24 h, T7 26 h, T2 54 h.
    # p90 interpolates: 26 + 0.6 × (54 − 26) = 42.8.
    rows = values(march[0])
    assert rows["first_contact_median"] == (D("24.0"), 5)
    assert rows["first_contact_p90"] == (D("42.8"), 5)


def test_first_contact_distribution_puts_each_contact_in_its_bin(march):
    assert march[1]["first_contact"].rows == [
        ["0–1 h", 0, D("0.0")],
        ["1–4 h", 2, D("40.0")],
        ["4–8 h", 0, D("0.0")],
        ["8–24 h", 0, D("0.0")],
        ["24–48 h", 2, D("40.0")],
        ["48–72 h", 1, D("20.0")],
        ["72 h or more", 0, D("0.0")],
    ]


def test_breaches_count_and_per_day_cover_every_day_of_the_month(march):
    figures, tables = march
    assert values(figures)["breaches"] == (2, None)
    per_day = dict(figures["breaches_per_day"])
    assert len(per_day) == 31
    assert per_day[date(2026, 3, 7)] == 1 and per_day[date(2026, 3, 11)] == 1
    assert sum(per_day.values()) == 2
    assert tables["breaches_per_day"].rows[6] == ["2026-03-07", 1]


def test_median_time_to_resolution_uses_the_last_resolution(march):
    # Resolved in March: T5 4 days, T1 8, T4 10 (reopened, resolved again), T2 15.
    assert values(march[0])["resolution_median"] == (D("9.0"), 4)


def test_reopen_rate_is_reopenings_per_resolution_from_the_timeline(march):
    # Five resolutions in March (T4 twice) and one reopening (T4).
    assert values(march[0])["reopen_rate"] == (D("20.0"), 5)


def test_csat_averages_the_answers_given_in_march_and_counts_fours_and_fives(march):
    # Answers: T1 5, T2 2, T4 4 (T7 answered in April).
    rows = values(march[0])
    assert rows["csat_average"] == (D("3.67"), 3)
    assert rows["csat_satisfied"] == (D("66.7"), 3)


def test_nps_at_follow_up_is_promoters_minus_detractors(march):
    # 9 (promoter), 4 (detractor), 8 (passive): 33.3 % − 33.3 %.
    assert values(march[0])["nps_follow_up"] == (D("0.0"), 3)


def test_detractors_at_intake_won_back_are_those_scoring_seven_or_more(march):
    # Detractors at intake who answered: T1 (3 → 9), T2 (5 → 4), T4 (6 → 8).
    assert values(march[0])["conversion"] == (D("66.7"), 3)


def test_nps_before_and_after_compares_the_same_customers(march):
    assert march[1]["nps_before_after"].rows == [
        ["Promoters (9–10)", 0, D("0.0"), 1, D("33.3")],
        ["Passives (7–8)", 0, D("0.0"), 1, D("33.3")],
        ["Detractors (0–6)", 3, D("100.0"), 1, D("33.3")],
        ["NPS", D("-100.0"), None, D("0.0"), None],
    ]


def test_compensation_given_counts_fulfilled_lines_by_kind_and_currency(march):
    # T2's declined refund and T7's April refund are not "given in March".
    tables = march[1]
    assert tables["compensation_by_kind"].rows == [
        ["Refund", "EUR", 1, D("20.00")],
        ["Refund", "GBP", 1, D("10.00")],
        ["Replacement", "", 1, None],
        ["Voucher", "EUR", 1, D("30.00")],
    ]
    assert tables["compensation_by_currency"].rows == [
        ["EUR", 2, D("50.00"), D("25.00")],
        ["GBP", 1, D("10.00"), D("10.00")],
    ]


def test_a_period_without_data_has_no_figures_rather_than_zeros(history):
    quiet = MARCH.previous().previous()  # January 2026
    rows = values(review_indicators(period=quiet, now=NOW))
    assert rows["received"] == (0, None)
    assert rows["promise_kept"] == (None, 0)
    assert rows["first_contact_median"] == (None, 0)
    assert rows["csat_average"] == (None, 0)
    assert rows["nps_follow_up"] == (None, 0)


def test_a_promise_falling_due_after_now_is_not_judged_yet(history):
    # Seen on 3 March at noon: T1's promise (4 March) is still ahead, T5's (2 March) kept.
    rows = values(review_indicators(period=MARCH, now=NOW.replace(month=3, day=3)))
    assert rows["promise_kept"] == (D("100.0"), 1)


def test_the_week_of_the_first_breach_holds_only_that_breach(history):
    from review.periods import week_of

    week = week_of(date(2026, 3, 7))
    assert week.first_day == date(2026, 3, 2) and week.last_day == date(2026, 3, 8)
    rows = values(review_indicators(period=week, now=NOW))
    assert rows["breaches"] == (1, None)
    # Contacts that week: T5 (1 March) falls in the week before; T1 2 h, T2 54 h.
    assert rows["first_contact_median"] == (D("28.0"), 2)
    assert week.end - week.start == timedelta(days=7)
