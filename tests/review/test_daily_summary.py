"""The daily summary gives the live figures for long periods, and a refresh replaces whole days.

The hand-built history (conftest) is read twice over the same long period:
live, through the selectors, and from the summary after a refresh. Counts,
sums and shares must agree exactly; medians and percentiles to within half
a bucket of the summary's scale: an hour, for the 2-hour buckets the
history's longest durations (54 hours to first contact, 20 days to
resolution) fall in.
"""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from recovery.choices import AcknowledgeMethod
from recovery.services import ticket_acknowledge
from review import figures
from review.daily import build
from review.daily import read as daily
from review.daily.build import MODELS, summary_refresh
from review.models import DailySummary, DayComplaints, DayDurations, DayTickets
from review.periods import Period
from review.selectors import agents as agent_selectors
from review.selectors import indicators as indicator_selectors
from review.selectors import lessons as lesson_selectors
from review.tables.agents import agents_table
from review.tables.indicators import indicator_tables
from tests.review.conftest import NOW, at
from tests.review.pages import csv_rows, page_tables

pytestmark = pytest.mark.django_db

# Long enough to be read from the summary, and holding the whole history.
LONG = Period("custom", date(2026, 2, 1), date(2026, 4, 10))
LONG_QUERY = "period=custom&from=2026-02-01&to=2026-04-10"


@pytest.fixture
def summarised(history):
    with time_machine.travel(NOW, tick=False):
        summary_refresh(now=NOW)
    return history


HALF_WIDEST_BUCKET = timedelta(hours=1)


def source():
    """The summary as a page read at NOW would read it."""
    return daily.summary_source(LONG, now=NOW)


def assert_close(summary, live):
    assert abs(summary - live) <= HALF_WIDEST_BUCKET, (summary, live)


def _sorted(rows):
    return sorted(rows, key=lambda row: sorted((k, str(v)) for k, v in row.items()))


def test_the_summary_gives_the_live_indicators_of_a_long_period(summarised):
    categories = indicator_selectors.category_names()
    live = indicator_selectors.review_indicators(period=LONG, now=NOW)
    summary = daily.indicators(LONG, categories, source=source())
    durations = ("first_contact_median", "first_contact_p90", "resolution_median")
    for key in durations:
        assert_close(summary["tickets"][key], live["tickets"][key])

    def counts(tickets):
        return {key: value for key, value in tickets.items() if key not in durations}

    assert counts(summary["tickets"]) == counts(live["tickets"])
    assert summary["tickets"]["breaches"] == 2
    assert _sorted(summary["received"]) == _sorted(live["received"])
    for key in ("first_contact_bins", "reopens", "surveys", "breaches_per_day"):
        assert summary[key] == live[key], key
    assert summary["compensation_by_kind"] == live["compensation_by_kind"]
    assert summary["compensation_by_currency"] == live["compensation_by_currency"]
    # The tables built from either are the same but for the three durations.
    live["categories"] = categories
    for name in ("received_by_channel", "received_by_category", "compensation_by_kind"):
        assert indicator_tables(summary)[name].rows == indicator_tables(live)[name].rows


def test_the_summary_gives_each_agents_live_row_of_a_long_period(summarised):
    staff = agent_selectors.staff_names()
    live = agents_table({**agent_selectors.review_agents(period=LONG, now=NOW), "staff": staff})
    summary = agents_table(daily.agents(LONG, staff, source=source()))
    median = [column.label for column in live.columns].index("Median first contact (hours)")
    assert [row[:median] + row[median + 1 :] for row in summary.rows] == [
        row[:median] + row[median + 1 :] for row in live.rows
    ]
    for got, want in zip(summary.rows, live.rows, strict=True):
        if want[median] is None:
            assert got[median] is None
        else:
            # Ben's median lies between 24 h and 54 h: half a 2-hour bucket.
            assert abs(got[median] - want[median]) <= 1


def test_the_summary_gives_the_live_complaint_mix_and_its_trend(summarised):
    assert _sorted(daily.complaint_mix(LONG, source=source())) == _sorted(
        lesson_selectors.complaint_mix(period=LONG)
    )
    previous = Period("custom", date(2026, 3, 1), date(2026, 4, 10))
    assert _sorted(daily.complaint_mix(previous, source=source())) == _sorted(
        lesson_selectors.complaint_mix(period=previous)
    )


def test_a_week_is_read_live_and_a_longer_period_from_the_summary_once_built(
    history, client, manager
):
    client.force_login(manager)
    week = "period=week&date=2026-03-09"
    with time_machine.travel(NOW, tick=False):
        assert (
            "data-summary-at" not in client.get(f"{reverse('review:indicators')}?{LONG_QUERY}").text
        )
        summary_refresh(now=NOW)
        for page in ("indicators", "lessons", "agents"):
            assert "data-summary-at" in client.get(f"{reverse(f'review:{page}')}?{LONG_QUERY}").text
            assert "data-summary-at" not in client.get(f"{reverse(f'review:{page}')}?{week}").text
        assert (
            "data-summary-at" not in client.get(f"{reverse('review:breaches')}?{LONG_QUERY}").text
        )


@pytest.mark.parametrize(
    "name", ["agents", "first_contact", "nps_before_after", "categories", "remedies"]
)
def test_a_long_period_page_and_its_csv_show_the_same_figures_from_the_summary(
    summarised, client, manager, name
):
    client.force_login(manager)
    page_name = {"categories": "lessons", "remedies": "lessons", "agents": "agents"}.get(
        name, "indicators"
    )
    with time_machine.travel(NOW, tick=False):
        page = page_tables(client.get(f"{reverse(f'review:{page_name}')}?{LONG_QUERY}"))
        export = csv_rows(client.get(reverse("review:export", args=[name]) + f"?{LONG_QUERY}"))
    assert export[1:] == page[name][1:]


def test_refreshing_twice_replaces_the_days_instead_of_adding_to_them(summarised):
    counts = [model.objects.count() for model in MODELS]
    with time_machine.travel(NOW, tick=False):
        summary_refresh(now=NOW)
        summary_refresh(days=35, now=NOW)
    assert [model.objects.count() for model in MODELS] == counts
    assert DayComplaints.objects.filter(day=date(2026, 3, 2)).get().complaints == 1


def test_the_first_refresh_counts_all_of_history_even_when_asked_for_two_days(history):
    assert daily.summary_source(LONG) is None
    with time_machine.travel(NOW, tick=False):
        summary_refresh(days=2, now=NOW)
    assert DayComplaints.objects.filter(day__lt=date(2026, 4, 9)).exists()
    assert DailySummary.objects.get().complete_at == NOW
    assert daily.summary_source(LONG).refreshed_at == NOW


def test_a_change_today_is_read_at_once_and_stored_when_its_day_is_next_recounted(summarised):
    # Before the summary counted today live, the page missed this contact
    # until the next refresh; the stored rows still do, and the reader must not.
    ticket = summarised.tickets[9]  # opened 9 April, nobody has called yet
    with time_machine.travel(at(4, 10, 11), tick=False):
        ticket_acknowledge(
            ticket=ticket, actor=summarised.ana, method=AcknowledgeMethod.MESSAGE, message="Hi."
        )

    def stored_contacts():
        return sum(DayTickets.objects.values_list("contacted", flat=True))

    assert stored_contacts() == 5
    assert daily.indicators(LONG, {}, source=source())["tickets"]["contacted"] == 6
    with time_machine.travel(NOW, tick=False):
        summary_refresh(days=2, now=NOW)
    assert stored_contacts() == 6
    assert daily.indicators(LONG, {}, source=source())["tickets"]["contacted"] == 6
    assert DayDurations.objects.filter(day=date(2026, 4, 10)).exists()


def test_promises_falling_due_later_today_are_not_counted_yet(history):
    # It is noon on 10 April: T12's promise fell due at 10:00 (broken); T11's
    # falls due at 13:00 and T10's at 15:00.
    with time_machine.travel(NOW, tick=False):
        summary_refresh(now=NOW)
    today = DayTickets.objects.filter(day=date(2026, 4, 10))
    assert sum(row.promises_due for row in today) == 1
    assert sum(row.promises_kept for row in today) == 0


def test_the_command_refreshes_and_says_how_many_rows(history, capsys):
    with time_machine.travel(NOW, tick=False):
        call_command("review_summary", "--days", "3")
    assert "summary row(s) written" in capsys.readouterr().out
    assert DailySummary.objects.get().complete_at is not None
    with pytest.raises(SystemExit):
        call_command("review_summary", "--days", "0")


def test_the_summary_of_an_empty_database_is_complete_and_empty(db):
    assert summary_refresh() == 0
    assert figures.review_indicators(period=LONG)["summary_at"] is not None
    assert figures.review_indicators(period=LONG)["tickets"]["contacted"] == 0


def test_only_the_chunk_reaching_today_moves_the_refresh_mark(history, monkeypatch):
    # Readers take every day before the mark's as recounted in full: an
    # earlier chunk committing must not move it past days still to recount.
    with time_machine.travel(at(3, 1), tick=False):
        summary_refresh(now=at(3, 1))
    seen, replace = [], build._replace

    def spy(first_day, last_day, now, *, reaches_today):
        written = replace(first_day, last_day, now, reaches_today=reaches_today)
        seen.append((last_day, DailySummary.objects.get().refreshed_at))
        return written

    monkeypatch.setattr(build, "_replace", spy)
    with time_machine.travel(NOW, tick=False):
        summary_refresh(days=2, now=NOW)  # back to 1 March: two chunks
    assert seen == [(date(2026, 3, 31), at(3, 1)), (date(2026, 4, 10), NOW)]
