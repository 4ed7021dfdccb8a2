"""The review counts by the corrected category, and learns the root causes: their Pareto and trend.

March 2026, looked at on 10 April. Five complaints the customers filed as
Delivery, two of which agents re-filed as Billing; two filed as Billing.
Root causes: Carrier three times, Defect once, three not recorded, plus
Carrier twice in February and once in January, for the trend. Each figure
is read live (a week) and from the daily summary (a month), which must agree.
"""

from datetime import date

import pytest
import time_machine
from celery import current_app
from django.urls import reverse

from recovery.models import RootCause
from recovery.services import ticket_category_correct, ticket_root_cause_record
from review import figures
from review.daily.build import complaint_days_recount, summary_refresh
from review.models import DayComplaints
from review.periods import Period, month_of, periods_ending, week_of
from review.selectors.breaches import BreachFilters, breached_tickets
from review.selectors.indicators import complaints_received
from review.tables.lessons import (
    category_pareto_table,
    root_cause_pareto_table,
    root_cause_trend_table,
)
from tests.factories import AgentFactory, CategoryFactory, ticketed_complaint
from tests.review.conftest import MARCH, NOW, at
from tests.review.pages import csv_rows, page_tables

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


class Record:
    def __init__(self):
        self.agent = AgentFactory()
        self.delivery = CategoryFactory(name_en="Delivery", name_fr="Livraison")
        self.billing = CategoryFactory(name_en="Billing", name_fr="Facturation")
        self.carrier = RootCause.objects.create(name_en="Carrier", name_fr="Transporteur")
        self.defect = RootCause.objects.create(name_en="Defect", name_fr="Défaut")
        self.tickets = []

    def complaint(self, when, category, *, corrected=None, cause=None):
        ticket = ticketed_complaint(submitted_at=when, category=category).ticket
        if corrected:
            ticket_category_correct(ticket=ticket, actor=self.agent, category=corrected)
        if cause:
            ticket_root_cause_record(ticket=ticket, actor=self.agent, root_cause=cause)
        self.tickets.append(ticket)
        return ticket


@pytest.fixture
def record():
    r = Record()
    # The first week of March (2 to 8): three of them.
    r.complaint(at(3, 2), r.delivery, corrected=r.billing, cause=r.carrier)
    r.complaint(at(3, 3), r.delivery, cause=r.carrier)
    r.complaint(at(3, 4), r.billing, cause=r.defect)
    # The rest of March.
    r.complaint(at(3, 12), r.delivery, corrected=r.billing, cause=r.carrier)
    r.complaint(at(3, 16), r.delivery)
    r.complaint(at(3, 20), r.delivery)
    r.complaint(at(3, 25), r.billing)
    # February and January: the trend's earlier buckets.
    r.complaint(at(2, 10), r.delivery, cause=r.carrier)
    r.complaint(at(2, 11), r.delivery, cause=r.carrier)
    r.complaint(at(1, 15), r.delivery, cause=r.carrier)
    return r


FIRST_WEEK = week_of(date(2026, 3, 2))


def _by_category(rows):
    counts = {}
    for row in rows:
        counts[row["category_id"]] = counts.get(row["category_id"], 0) + row["complaints"]
    return counts


@pytest.fixture(params=["live", "summary"])
def source(request):
    """Read live, or from the daily summary built on 10 April."""
    if request.param == "summary":
        summary_refresh()
    return request.param


def test_complaints_received_count_under_the_corrected_category(record):
    counts = _by_category(complaints_received(period=MARCH))
    # The customers picked Delivery five times; agents moved two of them to Billing.
    assert counts == {record.delivery.pk: 3, record.billing.pk: 4}


def test_the_indicators_category_table_uses_the_corrected_one_from_either_source(record, source):
    received = figures.review_indicators(period=MARCH, now=NOW)["received"]
    assert (figures.review_indicators(period=MARCH, now=NOW)["summary_at"] is None) == (
        source == "live"
    )
    assert _by_category(received) == {record.delivery.pk: 3, record.billing.pk: 4}


def test_the_category_pareto_puts_the_corrected_category_first(record, source):
    lessons = figures.review_lessons(period=MARCH, now=NOW)
    table = category_pareto_table(lessons["mix"], lessons["categories"])
    rows = [row[:4] for row in table.rows]
    assert [row[0] for row in rows] == ["Billing", "Delivery"]
    assert [row[1] for row in rows] == [4, 3]


def test_the_root_cause_pareto_counts_descending_with_the_unrecorded_apart(record, source):
    lessons = figures.review_lessons(period=MARCH, now=NOW)
    rows = [
        list(row) for row in root_cause_pareto_table(lessons["mix"], lessons["root_causes"]).rows
    ]
    # (cause, n, share of the recorded, cumulative share, previous period (February), change)
    assert [row[:5] for row in rows] == [
        ["Carrier", 3, 75, 75, 2],
        ["Defect", 1, 25, 100, 0],
        ["Not recorded yet", 3, None, None, 0],
    ]
    assert rows[0][5] == 50  # 2 → 3


def test_the_root_cause_trend_counts_each_cause_per_period(record, source):
    trend = figures.review_lessons(period=MARCH, now=NOW)["trend"]
    buckets = [b.first_day for b in trend["buckets"]]
    assert buckets == [
        date(2025, 10, 1),
        date(2025, 11, 1),
        date(2025, 12, 1),
        date(2026, 1, 1),
        date(2026, 2, 1),
        date(2026, 3, 1),
    ]
    table = root_cause_trend_table(
        trend, figures.review_lessons(period=MARCH, now=NOW)["root_causes"]
    )
    assert [str(c.label) for c in table.columns][-1] == "March 2026"
    assert [list(row) for row in table.rows] == [
        ["Carrier", 0, 0, 0, 1, 2, 3],
        ["Defect", 0, 0, 0, 0, 0, 1],
        ["Not recorded yet", 0, 0, 0, 0, 0, 3],
    ]


def test_a_week_is_read_live_and_its_trend_is_the_six_weeks_before(record):
    lessons = figures.review_lessons(period=FIRST_WEEK, now=NOW)
    assert lessons["summary_at"] is None
    assert lessons["trend"]["buckets"] == periods_ending(FIRST_WEEK, 6)
    rows = {row["root_cause_id"]: row["counts"] for row in lessons["trend"]["rows"]}
    assert rows[record.carrier.pk][-1] == 2 and rows[record.defect.pk][-1] == 1
    # Weeks of 26 January, 2, 9 (two complaints), 16 and 23 February.
    assert rows[record.carrier.pk][:-1] == [0, 0, 2, 0, 0]


def test_periods_ending_gives_back_to_back_periods_oldest_first():
    custom = Period("custom", date(2026, 3, 1), date(2026, 3, 10))
    spans = periods_ending(custom, 3)
    assert [(p.first_day, p.last_day) for p in spans] == [
        (date(2026, 2, 9), date(2026, 2, 18)),
        (date(2026, 2, 19), date(2026, 2, 28)),
        (date(2026, 3, 1), date(2026, 3, 10)),
    ]
    assert periods_ending(MARCH, 2) == [month_of(date(2026, 2, 1)), MARCH]


def test_a_correction_after_the_summary_is_counted_once_its_day_is_recounted(record):
    summary_refresh()
    late = record.tickets[4]  # 16 March, Delivery, no cause
    ticket_category_correct(ticket=late, actor=record.agent, category=record.billing)
    ticket_root_cause_record(ticket=late, actor=record.agent, root_cause=record.defect)

    assert complaint_days_recount([date(2026, 3, 16), date(2026, 4, 10)]) == 1
    stored = DayComplaints.objects.get(day=date(2026, 3, 16))
    assert (stored.category_id, stored.root_cause_id) == (record.billing.pk, record.defect.pk)
    received = figures.review_indicators(period=MARCH, now=NOW)["received"]
    assert _by_category(received) == {record.delivery.pk: 2, record.billing.pk: 5}


def test_recording_a_cause_recounts_its_day_of_the_summary_after_commit(
    record, django_capture_on_commit_callbacks
):
    summary_refresh()
    late = record.tickets[5]  # 20 March
    eager = current_app.conf.task_always_eager
    current_app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            ticket_root_cause_record(ticket=late, actor=record.agent, root_cause=record.carrier)
    finally:
        current_app.conf.task_always_eager = eager
    assert DayComplaints.objects.get(day=date(2026, 3, 20)).root_cause_id == record.carrier.pk


def test_breaches_filter_by_the_corrected_category_and_show_the_customers_beside(record):
    moved = ticketed_complaint(
        submitted_at=at(3, 5),
        category=record.delivery,
        ticket={
            "breached_at": at(3, 7),
            "status": "new",
        },
    ).ticket
    ticket_category_correct(ticket=moved, actor=record.agent, category=record.billing)

    as_billing = breached_tickets(period=MARCH, filters=BreachFilters(category=record.billing.pk))
    as_delivery = breached_tickets(period=MARCH, filters=BreachFilters(category=record.delivery.pk))
    assert [row["pk"] for row in as_billing] == [moved.pk]
    assert list(as_delivery) == []


def test_the_breaches_csv_and_page_name_both_categories(client, record):
    moved = ticketed_complaint(
        submitted_at=at(3, 5),
        category=record.delivery,
        ticket={
            "breached_at": at(3, 7),
            "status": "new",
        },
    ).ticket
    ticket_category_correct(ticket=moved, actor=record.agent, category=record.billing)
    from tests.factories import ManagerFactory

    client.force_login(ManagerFactory())
    query = "period=month&date=2026-03-01"
    exported = csv_rows(client.get(f"{reverse('review:export', args=['breaches'])}?{query}"))
    header, row = exported[0], exported[1]
    assert row[header.index("Category")] == "Billing"
    assert row[header.index("Customer's category")] == "Delivery"
    page = page_tables(client.get(f"{reverse('review:breaches')}?{query}"))["breaches"]
    assert page[1][header.index("Customer's category")] == "Delivery"


def test_the_lessons_page_shows_the_root_causes_and_their_csvs(client, record):
    from tests.factories import ManagerFactory

    client.force_login(ManagerFactory())
    query = "period=month&date=2026-03-01"
    page = client.get(f"{reverse('review:lessons')}?{query}")
    tables = page_tables(page)
    assert tables["root_causes"][1][:5] == ["Carrier", "3", "75.0", "75.0", "2"]
    assert tables["root_causes"][-1][0] == "Not recorded yet"
    assert tables["root_cause_trend"][1] == ["Carrier", "0", "0", "0", "1", "2", "3"]
    assert 'id="chart-root_causes-title"' in page.text
    for name in ("root_causes", "root_cause_trend"):
        exported = csv_rows(client.get(f"{reverse('review:export', args=[name])}?{query}"))
        assert exported[1:] == tables[name][1:]
