"""What the review pages say: dates in the reader's language, plurals, whole-number axes, no rate over nothing."""

import re

import pytest
import time_machine
from django.urls import reverse

from review.charts import bar_chart
from review.daily.build import summary_refresh
from tests.factories import AgentFactory
from tests.review.conftest import NOW
from tests.review.pages import page_tables

pytestmark = pytest.mark.django_db

LONG_QUERY = "period=custom&from=2026-02-01&to=2026-04-10"
NO_FIGURE = "No figure: nothing to count or to divide by in this period."


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


def get(client, page, query, language="en"):
    return client.get(f"{reverse(f'review:{page}')}?{query}", HTTP_ACCEPT_LANGUAGE=language)


@pytest.mark.parametrize("query", ["period=month&date=2026-03-01", LONG_QUERY])
def test_an_agent_with_nothing_resolved_has_no_rate_and_no_median(manager_client, history, query):
    AgentFactory(username="cleo", first_name="Cleo", last_name="Idle")
    summary_refresh(now=NOW)
    response = get(manager_client, "agents", query)
    rows = {row[0]: row[1:] for row in page_tables(response)["agents"][1:]}
    # First contacts, resolved, promises due: counts, so 0; the rest divide by them.
    assert rows["Cleo Idle"] == ["0", "0", "0", "", "", "0", "", "", "0", ""]
    assert f'title="{NO_FIGURE}" aria-label="{NO_FIGURE}">—</span>' in response.text


def test_french_pages_give_dates_the_french_way_and_no_am_pm(manager_client, history):
    summary_refresh(now=NOW)
    text = get(manager_client, "indicators", LONG_QUERY, "fr").text
    note = re.search(r"data-summary-at>(.*?)</p>", text, re.S).group(1)
    assert "le 10 avril 2026 à 12:00" in note
    assert "p.m." not in text and "a.m." not in text and "noon" not in text
    assert "1 février 2026" in text  # the period's label


def test_english_pages_give_dates_day_first_on_a_24_hour_clock_without_a_double_full_stop(
    manager_client, history
):
    summary_refresh(now=NOW)
    text = get(manager_client, "indicators", LONG_QUERY).text
    note = re.search(r"data-summary-at>(.*?)</p>", text, re.S).group(1)
    assert "on 10 April 2026 at 12:00" in note
    assert "noon" not in note and "p.m." not in note and ".." not in note


@pytest.mark.parametrize(
    "language, breaches, contacts",
    [
        ("en", '1 <span class="kpi__unit">ticket</span>', "1 first contact;"),
        ("fr", '1 <span class="kpi__unit">ticket</span>', "1 premier contact ;"),
    ],
)
def test_one_thing_is_counted_in_the_singular(
    manager_client, history, language, breaches, contacts
):
    # The week of 2 March holds T2's breach alone; 15 March T4's first contact alone.
    week = get(manager_client, "indicators", "period=week&date=2026-03-02", language).text
    assert breaches in week
    day = get(
        manager_client, "indicators", "period=custom&from=2026-03-15&to=2026-03-15", language
    ).text
    assert contacts.replace(" ;", "\u00a0;") in day


@pytest.mark.parametrize(
    "most, ticks", [(1, [0, 1]), (2, [0, 1, 2]), (3, list(range(6))), (7, [0, 5, 10])]
)
def test_a_count_chart_steps_by_whole_numbers(most, ticks):
    chart = bar_chart(key="k", title="t", desc="d", points=[("a", 0), ("b", most)])
    assert [tick["label"] for tick in chart.y_ticks] == [str(tick) for tick in ticks]


@pytest.mark.parametrize(
    "language, message",
    [
        ("en", "“From” was after “To”: the two dates were swapped."),
        ("fr", "« Du » était après « Au »\u00a0: les deux dates ont été inversées."),
    ],
)
def test_a_from_after_to_is_swapped_and_the_page_says_so(
    manager_client, history, language, message
):
    message = message.replace("« ", "«\u00a0").replace(" »", "\u00a0»")
    response = get(
        manager_client, "indicators", "period=custom&from=2026-03-10&to=2026-03-01", language
    )
    assert response.context["period"].first_day.day == 1
    assert re.search(r"data-period-notice>.*?</div></div>", response.text, re.S)
    assert message in response.text
    in_order = get(manager_client, "indicators", "period=custom&from=2026-03-01&to=2026-03-10")
    assert "data-period-notice" not in in_order.text
