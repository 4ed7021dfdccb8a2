"""The review pages: who may see them, what they show, and that each CSV is the page's table."""

import pytest
import time_machine
from django.urls import reverse

from review.tables import EXPORTS
from tests.review.conftest import MARCH, NOW
from tests.review.pages import csv_rows, page_tables

pytestmark = pytest.mark.django_db

PAGES = ("indicators", "breaches", "lessons", "agents")
MARCH_QUERY = "period=month&date=2026-03-01"
# Which page shows each exported table.
PAGE_OF = {
    "indicators": "indicators",
    "received_by_channel": "indicators",
    "received_by_category": "indicators",
    "compensation_by_kind": "indicators",
    "compensation_by_currency": "indicators",
    "breaches_per_day": "indicators",
    "first_contact": "indicators",
    "nps_before_after": "indicators",
    "breaches": "breaches",
    "at_risk": "breaches",
    "reply_breaches": "breaches",
    "categories": "lessons",
    "remedies": "lessons",
    "root_causes": "lessons",
    "root_cause_trend": "lessons",
    "agents": "agents",
}


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


def urls():
    return [reverse(f"review:{page}") for page in PAGES] + [
        reverse("review:export", args=[name]) for name in EXPORTS
    ]


@pytest.mark.parametrize("url", urls())
def test_anonymous_visitors_are_sent_to_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("url", urls())
def test_agents_are_refused(agent_client, url):
    assert agent_client.get(url).status_code == 403


@pytest.mark.parametrize("url", urls())
def test_managers_see_every_page_and_csv(manager_client, url):
    assert manager_client.get(url).status_code == 200


def test_an_unknown_table_has_no_csv(manager_client):
    assert manager_client.get(reverse("review:export", args=["passwords"])).status_code == 404


def test_managers_find_the_review_in_the_menu_and_agents_do_not(manager_client, agent, client):
    review = reverse("review:indicators")
    assert f'href="{review}"' in manager_client.get(reverse("agent:queue")).text
    client.force_login(agent)
    assert f'href="{review}"' not in client.get(reverse("agent:queue")).text


def test_the_month_asked_for_is_the_one_shown(manager_client, history):
    response = manager_client.get(f"{reverse('review:indicators')}?{MARCH_QUERY}")
    assert response.context["period"] == MARCH
    assert "March 2026" in response.text


@pytest.mark.parametrize("name", list(EXPORTS))
def test_each_csv_holds_the_figures_of_the_table_on_its_page(manager_client, history, name):
    page = manager_client.get(f"{reverse('review:' + PAGE_OF[name])}?{MARCH_QUERY}")
    exported = manager_client.get(f"{reverse('review:export', args=[name])}?{MARCH_QUERY}")
    rows = csv_rows(exported)
    assert exported["Content-Type"].startswith("text/csv")
    assert "amends-" + name + "-20260301-20260331.csv" in exported["Content-Disposition"]
    if name == "indicators":
        # The page shows them as cards, not as a table: compare the values.
        shown = {row[0]: row[1] for row in rows[1:]}
        for item in page.context["indicators"]:
            expected = "" if item["value"] is None else str(item["value"])
            assert shown[str(item["name"])] == expected
        return
    table = page_tables(page)[name]
    assert rows[0] == table[0]  # the headers
    assert rows[1:] == table[1:], name
    assert len(rows) > 1


def test_breaches_list_the_late_and_the_never_called_with_how_late(manager_client, history):
    page = manager_client.get(f"{reverse('review:breaches')}?{MARCH_QUERY}")
    rows = page_tables(page)["breaches"][1:]
    ref2, ref3 = history.tickets[2].reference, history.tickets[3].reference
    assert [row[0] for row in rows] == [ref3, ref2]  # latest first
    never, late = rows
    # Category, then the customer's own pick (the same here: nobody corrected them).
    assert never[3:11] == [
        "Still not contacted",
        "",
        "Nobody",
        "yes",
        "Billing",
        "Billing",
        "High",
        "New",
    ]
    assert late[3:11] == [
        "2026-03-07 15:00",
        "6.0",
        "Ben Okafor",
        "no",
        "Delivery",
        "Delivery",
        "Standard",
        "Resolved",
    ]
    assert f'href="{reverse("agent:ticket", args=[ref2])}"' in page.text


@pytest.mark.parametrize(
    "filters, expected",
    [
        ("priority=high", [3]),
        ("priority=standard", [2]),
        ("agent=none", [3]),
        ("category={delivery}", [2]),
        ("agent={ben}&category={billing}", []),
    ],
)
def test_breaches_filter_by_agent_category_and_priority_before_the_breach(
    manager_client, history, filters, expected
):
    filters = filters.format(
        delivery=history.delivery.pk, billing=history.billing.pk, ben=history.ben.pk
    )
    url = f"{reverse('review:breaches')}?{MARCH_QUERY}&{filters}"
    table = page_tables(manager_client.get(url))["breaches"][1:]
    refs = [row[0] for row in table if len(row) > 1]
    assert refs == [history.tickets[n].reference for n in expected]
    exported = manager_client.get(
        f"{reverse('review:export', args=['breaches'])}?{MARCH_QUERY}&{filters}"
    )
    assert [row[0] for row in csv_rows(exported)[1:]] == refs


def test_at_risk_lists_new_tickets_due_within_four_hours_soonest_first(manager_client, history):
    page = manager_client.get(reverse("review:breaches"))
    rows = page_tables(page)["at_risk"][1:]
    t = history.tickets
    assert [row[0] for row in rows] == [t[11].reference, t[10].reference]
    assert [row[2] for row in rows] == ["60", "180"]
    assert rows[1][3] == "Ben Okafor"


def test_lessons_rank_categories_and_remedies_against_february(manager_client, history):
    page = page_tables(manager_client.get(f"{reverse('review:lessons')}?{MARCH_QUERY}"))
    assert page["categories"][1:] == [
        ["Delivery", "4", "66.7", "66.7", "1", "300.0"],
        ["Billing", "2", "33.3", "100.0", "1", "100.0"],
    ]
    assert page["remedies"][1:] == [
        ["Refund, money back", "3", "50.0", "50.0", "1", "200.0", "2"],
        ["Nothing stated", "1", "16.7", "66.7", "0", "", ""],
        ["Something else", "1", "16.7", "83.3", "0", "", ""],
        ["Voucher or credit", "1", "16.7", "100.0", "0", "", "1"],
        ["Replacement, exchange, resend", "0", "0.0", "100.0", "1", "-100.0", "1"],
    ]


def test_per_agent_rows_add_up_each_agents_tickets(manager_client, history):
    page = page_tables(manager_client.get(f"{reverse('review:agents')}?{MARCH_QUERY}"))
    rows = {row[0]: row[1:] for row in page["agents"][1:]}
    # First contacts, resolved, promises due, kept, median first contact,
    # answers, CSAT average, CSAT 4–5, compensation lines, amounts.
    assert rows["Ana Lopez"] == [
        "3",
        "2",
        "2",
        "100.0",
        "2.0",
        "2",
        "4.50",
        "100.0",
        "2",
        "20.00 EUR; 10.00 GBP",
    ]
    assert rows["Ben Okafor"] == [
        "2",
        "2",
        "2",
        "50.0",
        "39.0",
        "1",
        "2.00",
        "0.0",
        "2",
        "30.00 EUR",
    ]
    assert rows["Nobody (unassigned)"] == ["0", "0", "1", "0.0", "", "0", "", "", "0", ""]


def test_charts_are_svg_images_with_a_title_a_description_and_their_data(manager_client, history):
    text = manager_client.get(f"{reverse('review:indicators')}?{MARCH_QUERY}").text
    assert text.count('<svg class="chart__svg"') == 3
    for key in ("breaches_per_day", "first_contact", "nps_before_after"):
        assert f'aria-labelledby="chart-{key}-title chart-{key}-desc"' in text
        assert f'<table class="table review-table__table" data-table="{key}">' in text
    assert "2 breaches over 31 days." in text
    assert "NPS -100.0 at intake, 0.0 at follow-up" in text
    assert "<script" not in text.split("<main", 1)[1]


def test_every_indicator_has_its_definition_one_click_away(manager_client, history):
    response = manager_client.get(f"{reverse('review:indicators')}?{MARCH_QUERY}")
    for item in response.context["indicators"]:
        assert f'aria-describedby="kpi-{item["key"]}-definition"' in response.text
        assert f'<p id="kpi-{item["key"]}-definition" class="small">' in response.text


def test_missed_replies_are_listed_beside_the_breached_callbacks(manager_client, history):
    page = manager_client.get(f"{reverse('review:breaches')}?{MARCH_QUERY}")
    rows = page_tables(page)["reply_breaches"][1:]
    assert len(rows) == 1
    reference = history.tickets[4].complaint.reference
    assert rows[0][:5] == [reference, "2026-03-20 09:00", "2026-03-20 09:00", "Ana Lopez", "no"]
    assert "1 reply deadline missed in this period." in page.text
    # Filtered like the callbacks: another agent's breaches hide it.
    ben = history.ben.pk
    other = manager_client.get(f"{reverse('review:breaches')}?{MARCH_QUERY}&agent={ben}")
    assert page_tables(other)["reply_breaches"][1:] == [["Nothing in this period."]]
