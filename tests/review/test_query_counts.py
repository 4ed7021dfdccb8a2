"""A review page costs the same queries whatever the period and however much it holds."""

import pytest
import time_machine
from django.urls import reverse

from review.daily.build import summary_refresh
from tests.factories import AgentFactory, ticketed_complaint
from tests.review.conftest import NOW, at

pytestmark = pytest.mark.django_db

# Session, user and the user's groups, then the page's own reads (see each
# view's selectors: one aggregate per table, plus the category and staff
# names), and for all but the breaches whether the daily summary is built.
# The breaches page also lists the missed reply deadlines: their page and count.
# The lessons page also reads the root causes' names and their trend (one
# grouped query over the trend's periods, and its days counted live).
PAGE_QUERIES = {
    "indicators": 3 + 1 + 9,
    "breaches": 3 + 6 + 2,
    "lessons": 3 + 1 + 3 + 2,
    "agents": 3 + 1 + 5,
}
# Read from the summary: one sum per summary table instead.
SUMMARY_QUERIES = {
    "indicators": 3 + 1 + 7,
    "breaches": 3 + 6 + 2,
    "lessons": 3 + 1 + 3 + 2,
    "agents": 3 + 1 + 5,
}
# And when the period reaches the day of the summary's last refresh, the
# days from then on are counted live by the summary's own grouped queries
# (review.daily.build.RECOUNTS), whatever their number: tickets 5,
# durations 2, complaints, surveys, compensation lines and compensated
# tickets 1 each.
COUNTED_LIVE = {
    "indicators": 5 + 2 + 1 + 1 + 1 + 1,
    "breaches": 0,
    "lessons": 1 + 1 + 1,
    "agents": 5 + 2 + 1 + 1,
}
TWO_WEEKS_TO_TODAY = "period=custom&from=2026-03-28&to=2026-04-10"
A_QUIET_WEEK = "period=week&date=2026-01-05"
TWO_YEARS = "period=custom&from=2025-04-11&to=2027-04-10"


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


@pytest.mark.parametrize("page", PAGE_QUERIES)
def test_a_page_runs_the_same_queries_for_an_empty_week_and_two_full_years(
    manager_client, history, page, django_assert_num_queries
):
    url = reverse(f"review:{page}")
    with time_machine.travel(NOW, tick=False):
        with django_assert_num_queries(PAGE_QUERIES[page]):
            quiet = manager_client.get(f"{url}?{A_QUIET_WEEK}")
        with django_assert_num_queries(PAGE_QUERIES[page]):
            busy = manager_client.get(f"{url}?{TWO_YEARS}")
    assert quiet.status_code == busy.status_code == 200
    assert busy.context["period"].length == 730


@pytest.mark.parametrize("page", SUMMARY_QUERIES)
def test_from_the_summary_a_page_runs_the_same_queries_for_two_weeks_and_two_years(
    manager_client, history, page, django_assert_num_queries
):
    url = reverse(f"review:{page}")
    with time_machine.travel(NOW, tick=False):
        summary_refresh(now=NOW)
        with django_assert_num_queries(SUMMARY_QUERIES[page]):
            short = manager_client.get(f"{url}?period=custom&from=2026-03-01&to=2026-03-14")
        with django_assert_num_queries(SUMMARY_QUERIES[page] + COUNTED_LIVE[page]):
            recent = manager_client.get(f"{url}?{TWO_WEEKS_TO_TODAY}")
        with django_assert_num_queries(SUMMARY_QUERIES[page] + COUNTED_LIVE[page]):
            busy = manager_client.get(f"{url}?{TWO_YEARS}")
    assert short.status_code == recent.status_code == busy.status_code == 200
    if page != "breaches":
        assert short.context["summary_at"] == busy.context["summary_at"] == NOW


@pytest.mark.parametrize("page", ["indicators", "agents"])
def test_days_since_a_stale_refresh_cost_no_more_queries_than_today_alone(
    manager_client, history, page, django_assert_num_queries
):
    url = reverse(f"review:{page}")
    with time_machine.travel(at(4, 1), tick=False):
        summary_refresh(now=at(4, 1))
    queries = SUMMARY_QUERIES[page] + COUNTED_LIVE[page]
    with time_machine.travel(NOW, tick=False), django_assert_num_queries(queries):
        response = manager_client.get(f"{url}?{TWO_YEARS}")
    assert response.context["counted_live_from"] == at(4, 1).date()


def test_more_agents_and_breaches_cost_no_more_queries(
    manager_client, history, django_assert_num_queries
):
    url = f"{reverse('review:breaches')}?{TWO_YEARS}"
    with time_machine.travel(NOW, tick=False):
        with django_assert_num_queries(PAGE_QUERIES["breaches"]):
            manager_client.get(url)
        extra = [AgentFactory(username=f"extra{n}") for n in range(5)]
        for n in range(10):  # ten more breaches, on the new agents' tickets
            ticketed_complaint(
                submitted_at=at(3, 10),
                ticket={"breached_at": at(3, 15), "assignee": extra[n % 5]},
            )
        with django_assert_num_queries(PAGE_QUERIES["breaches"]):
            response = manager_client.get(url)
    assert response.context["breaches"].total == 12
