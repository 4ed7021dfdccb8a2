"""A period's figures are the sum of its days', whichever source a page reads them from.

A week or less is counted live; longer periods read the daily summary. The
summary here was last refreshed at 09:00 on 10 April, and the morning went
on: a complaint filed, a first contact made, a survey answered, a voucher
handed over. At noon, the week, the month and a custom period must all hold
those, and each must equal its days counted one by one.
"""

from collections import Counter
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from complaints.models import Channel
from recovery.choices import AcknowledgeMethod, CompensationKind
from recovery.services import ticket_acknowledge, ticket_assign
from review import figures
from review.daily.build import summary_refresh
from review.models import DayComplaints
from review.periods import Period, month_of, week_of
from tests.review.conftest import NOW, _answer, _given, _open, at

pytestmark = pytest.mark.django_db

REFRESHED = at(4, 10, 9)
APRIL = month_of(NOW.date())
WEEK = week_of(NOW.date())  # 6 to 12 April
CUSTOM = Period("custom", at(3, 25).date(), NOW.date())


@pytest.fixture
def morning(history):
    """The history, summarised at 09:00, and what happened between then and noon."""
    with time_machine.travel(REFRESHED, tick=False):
        summary_refresh(now=REFRESHED)
    _open(submitted_at=at(4, 10, 10), category=history.delivery, channel=Channel.PHONE)
    ticket = history.tickets[9]
    with time_machine.travel(at(4, 10, 11), tick=False):  # Ana takes it and calls
        ticket_assign(ticket=ticket, assignee=history.ana, actor=history.ana)
        ticket_acknowledge(
            ticket=ticket,
            actor=history.ana,
            method=AcknowledgeMethod.PHONE,
            number_called="+33612345678",
        )
    _answer(ticket, answered_at=at(4, 10, 11, 30), csat=4, nps=8)
    _given(ticket, CompensationKind.VOUCHER, "5", "EUR", at(4, 10, 11, 45))
    return history


def additive(result):
    """The figures of an indicators result that add up across days."""
    tickets, surveys = result["tickets"], result["surveys"]
    flat = Counter(
        received=sum(row["complaints"] for row in result["received"]),
        **{
            key: tickets[key]
            for key in ("promises_due", "promises_kept", "contacted", "breaches", "resolved")
        },
        **result["reopens"],
        **{key: surveys[key] for key in ("answers", "csat_answers", "nps_answers", "promoters")},
        lines=sum(row["lines"] for row in result["compensation_by_kind"]),
        euros=sum(
            row["amount"] or 0 for row in result["compensation_by_kind"] if row["currency"] == "EUR"
        ),
    )
    for low, _high, contacts in result["first_contact_bins"]:
        flat[f"first_contact_from_{low}h"] = contacts
    return flat


def per_agent(result):
    """Each agent's first contacts, resolutions, promises and answers: what adds up."""
    flat = Counter()
    for row in result["tickets"]:
        for key in ("resolved", "promises_due", "promises_kept"):
            flat[row["assignee_id"], key] += row[key]
    for row in result["first_contact"]:
        flat[row["assignee_id"], "contacted"] += row["contacted"]
    for row in result["surveys"]:
        flat[row["assignee_id"], "answers"] += row["answers"]
    for row in result["compensation"]:
        flat[row["assignee_id"], "lines"] += row["lines"]
    return +flat


def day_by_day(period, read, flatten):
    total = Counter()
    for day in period.days():
        total.update(flatten(read(period=Period("custom", day, day), now=NOW)))
    return +total


@pytest.mark.parametrize("period", [WEEK, APRIL, CUSTOM], ids=["week", "month", "custom"])
def test_a_periods_indicators_are_the_sum_of_its_days(morning, period):
    with time_machine.travel(NOW, tick=False):
        whole = figures.review_indicators(period=period, now=NOW)
        days = day_by_day(period, figures.review_indicators, additive)
    assert (whole["summary_at"] is None) == (period is WEEK)
    assert +additive(whole) == days
    assert days["received"] >= 1 and days["answers"] >= 1


@pytest.mark.parametrize("period", [WEEK, APRIL, CUSTOM], ids=["week", "month", "custom"])
def test_a_periods_agent_figures_are_the_sum_of_its_days(morning, period):
    with time_machine.travel(NOW, tick=False):
        whole = figures.review_agents(period=period, now=NOW)
        days = day_by_day(period, figures.review_agents, per_agent)
    assert per_agent(whole) == days
    assert days[morning.ana.pk, "contacted"] >= 1


def test_the_month_holds_what_its_week_holds(morning):
    with time_machine.travel(NOW, tick=False):
        week = figures.review_indicators(period=WEEK, now=NOW)
        month = figures.review_indicators(period=APRIL, now=NOW)
    # The whole week lies in April: nothing of it may be missing from the month.
    assert additive(week) - additive(month) == Counter(), "the month misses some of its week"


def test_the_complaint_mix_of_a_long_period_counts_this_mornings_complaints(morning):
    with time_machine.travel(NOW, tick=False):
        lessons = figures.review_lessons(period=APRIL)
    assert sum(row["current"] for row in lessons["mix"]) == 5  # T9 to T12, and this morning's


def test_the_page_says_which_days_are_counted_live(morning, client, manager):
    client.force_login(manager)
    with time_machine.travel(NOW, tick=False):
        text = client.get(f"{reverse('review:indicators')}?period=month&date=2026-04-01").text
    assert "data-summary-at" in text
    assert "today is counted live" in text


def test_a_refresh_after_a_pause_recounts_every_day_since_the_last_one(history):
    # Refreshed on 7 April at 09:00; beat stopped; a complaint came at 15:00
    # that day; two days' refresh on 10 April must still recount the 7th.
    with time_machine.travel(at(4, 7, 9), tick=False):
        summary_refresh(now=at(4, 7, 9))
    _open(submitted_at=at(4, 7, 15), category=history.delivery)
    with time_machine.travel(NOW, tick=False):
        summary_refresh(days=2, now=NOW)
    assert sum(row.complaints for row in DayComplaints.objects.filter(day=at(4, 7).date())) == 1
    with time_machine.travel(NOW, tick=False):
        month = figures.review_indicators(period=APRIL, now=NOW)
        days = day_by_day(APRIL, figures.review_indicators, additive)
    assert +additive(month) == days


def test_without_anything_after_the_refresh_the_summary_alone_is_read(history):
    with time_machine.travel(NOW, tick=False):
        summary_refresh(now=NOW)
        earlier = Period("custom", at(3, 1).date(), at(3, 31).date() + timedelta(days=0))
        result = figures.review_indicators(period=earlier, now=NOW)
    assert result["summary_at"] == NOW
    assert result["counted_live_from"] is None


def test_a_refresh_stamped_after_now_is_read_whole(history):
    # Another machine's clock ran ahead: its refresh counted a day that has
    # not begun here. Nothing is counted live, and nothing it stored is lost.
    _open(submitted_at=at(4, 10, 10), category=history.delivery)
    summary_refresh(now=NOW)
    result = figures.review_indicators(period=APRIL, now=at(4, 9, 12))
    assert result["counted_live_from"] is None
    assert sum(row["complaints"] for row in result["received"]) == 5
