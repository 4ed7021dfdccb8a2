"""The queue's column sorts: each column both ways, ties by id, unknown sorts ignored, links kept."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.http import QueryDict
from django.urls import reverse

from recovery import queue_sorts
from recovery.choices import Priority, Status
from recovery.queue import QueueFilters, ticket_queue
from recovery.queue_sorts import SORTS
from recovery.services import ticket_assign
from tests.factories import (
    AgentFactory,
    CategoryFactory,
    CustomerFactory,
    days_ago,
    ticket_in_status,
    ticketed_complaint,
)

pytestmark = pytest.mark.django_db
URL = reverse("agent:queue")


def refs(user, **filters):
    return [t.reference for t in ticket_queue(filters=QueueFilters(**filters), user=user).tickets]


@pytest.mark.parametrize(
    "raw, sort, descending",
    [
        ("", "due", False),
        ("customer", "customer", False),
        ("-customer", "customer", True),
        ("opened", "opened", False),
        ("-due", "due", True),
        ("bogus", "due", False),
        ("-bogus", "due", False),
        ("--customer", "due", False),
        ("Customer", "due", False),
        ("complaint__customer__email", "due", False),
    ],
)
def test_an_unknown_sort_is_ignored_and_the_queue_keeps_its_due_order(raw, sort, descending):
    filters = QueueFilters.from_params(QueryDict(f"sort={raw}"))
    assert (filters.sort, filters.descending) == (sort, descending)


def test_an_unknown_sort_on_the_page_lists_tickets_in_due_order(agent_client):
    late = ticketed_complaint(submitted_at=days_ago(2)).ticket
    soon = ticketed_complaint(submitted_at=days_ago(1)).ticket
    response = agent_client.get(URL, {"sort": "password"})
    assert response.status_code == 200
    assert response.text.index(late.reference) < response.text.index(soon.reference)
    assert re.search(r'aria-sort="ascending"><a [^>]*data-sort="due"', response.text)


@pytest.fixture
def varied(agent):
    """Five open tickets that differ on every column, two of them tied on each sortable value."""
    zed = AgentFactory(first_name="Zoe", last_name="Adams")
    bea = AgentFactory(first_name="Bea", last_name="Young")
    billing = CategoryFactory(name_en="Billing", position=1, default_priority=Priority.HIGH)
    delivery = CategoryFactory(name_en="Delivery", position=2)
    specs = [
        ("carla", delivery, 0.5, Status.NEW, zed),
        ("Anna", billing, 1.5, Status.ACKNOWLEDGED, bea),
        ("bruno", delivery, 0.2, Status.NEW, None),
        ("anna", delivery, 1.0, Status.APOLOGIZED, zed),
        ("Dora", billing, 0.8, Status.NEW, None),
    ]
    tickets = []
    for name, category, age, status, assignee in specs:
        ticket = ticket_in_status(
            status,
            actor=agent,
            customer=CustomerFactory(name=name),
            category=category,
            submitted_at=days_ago(age),
        )
        if assignee:
            ticket_assign(ticket=ticket, assignee=assignee, actor=agent)
        ticket.refresh_from_db()
        tickets.append(ticket)
    return tickets


RANK = {Status.NEW: 0, Status.ACKNOWLEDGED: 1, Status.APOLOGIZED: 2}
FAR = days_ago(-3650)


def expected_key(key, ticket):
    due = ticket.due_at or FAR
    complaint = ticket.complaint
    if key == "reference":
        return (ticket.reference, ticket.pk)
    if key == "customer":
        return (complaint.customer.name.lower(), due, ticket.pk)
    if key == "category":
        return (complaint.category.position, complaint.category.name_en, due, ticket.pk)
    if key == "priority":
        return (ticket.priority != Priority.HIGH, due, ticket.pk)
    if key == "status":
        return (RANK[ticket.status], due, ticket.pk)
    if key == "opened":
        return (ticket.opened_at, ticket.pk)
    if key == "assignee":
        user = ticket.assignee
        name = (user.first_name.lower(), user.last_name.lower()) if user else ("\uffff", "")
        return (*name, due, ticket.pk)
    return (due, ticket.pk)


@pytest.mark.parametrize("key", SORTS)
def test_each_column_sorts_both_ways_ties_broken_by_id(agent, varied, key):
    expected = [t.reference for t in sorted(varied, key=lambda t: expected_key(key, t))]

    assert refs(agent, sort=key) == expected
    assert refs(agent, sort=key, descending=True) == expected[::-1]


def test_a_joined_column_sorts_the_tickets_due_first_within_its_window(agent, monkeypatch):
    monkeypatch.setattr(queue_sorts, "JOINED_SORT_WINDOW", 2)
    zara = ticketed_complaint(customer=CustomerFactory(name="Zara"), submitted_at=days_ago(1.5))
    yann = ticketed_complaint(customer=CustomerFactory(name="Yann"), submitted_at=days_ago(1))
    ticketed_complaint(customer=CustomerFactory(name="Abel"), submitted_at=days_ago(0.1))

    # Abel is due last, outside the window of two: not sorted ahead of them.
    assert refs(agent, sort="customer") == [yann.reference, zara.reference]


def test_the_sorted_header_says_so_and_links_to_the_other_way_keeping_the_filters(agent_client):
    billing = CategoryFactory(name_en="Billing")
    ticketed_complaint(customer=CustomerFactory(name="Grace Hopper"), category=billing)

    response = agent_client.get(
        URL, {"q": "Grace", "category": billing.pk, "scope": "unassigned", "sort": "customer"}
    )
    assert len(re.findall(r'class="q-sort"', response.text)) == len(SORTS)
    assert re.search(r'aria-sort="ascending"><a [^>]*data-sort="customer"', response.text)
    assert response.text.count("aria-sort=") == 1
    link = re.search(r'href="\?([^"]+)" data-sort="customer"', response.text).group(1)
    params = QueryDict(link.replace("&amp;", "&"))
    assert params["sort"] == "-customer"
    assert (params["q"], params["category"], params["scope"]) == (
        "Grace",
        str(billing.pk),
        "unassigned",
    )
    other = re.search(r'href="\?([^"]+)" data-sort="opened"', response.text).group(1)
    assert QueryDict(other.replace("&amp;", "&"))["sort"] == "opened"
    # The tabs carry the sort with the other filters, and the filter form keeps it.
    assert re.search(r'href="\?scope=mine&amp;[^"]*sort=customer', response.text)
    assert '<input type="hidden" name="sort" value="customer">' in response.text

    descending = agent_client.get(URL, {"sort": "-customer"})
    assert re.search(r'aria-sort="descending"><a [^>]*data-sort="customer"', descending.text)
    link = re.search(r'href="\?([^"]+)" data-sort="customer"', descending.text).group(1)
    assert QueryDict(link.replace("&amp;", "&"))["sort"] == "customer"


def test_a_header_link_goes_back_to_the_first_page(agent_client):
    for _ in range(26):
        ticketed_complaint()
    response = agent_client.get(URL, {"page": "2", "sort": "opened"})
    assert 'rel="prev"' in response.text
    link = re.search(r'href="\?([^"]+)" data-sort="customer"', response.text).group(1)
    assert "page" not in QueryDict(link.replace("&amp;", "&"))


@pytest.mark.parametrize("sort", [*SORTS, *(f"-{key}" for key in SORTS)])
def test_every_sort_runs_the_page_s_usual_queries(agent_client, django_assert_num_queries, sort):
    agents = [AgentFactory() for _ in range(3)]
    for i in range(8):
        ticket = ticketed_complaint(category=CategoryFactory(), submitted_at=days_ago(i / 4)).ticket
        if i < 3:
            ticket_assign(ticket=ticket, assignee=agents[i], actor=agents[i])
    cache.clear()
    agent_client.get(URL)  # the shared counters cached
    # As test_queue's: session, user, groups, the page, "mine", categories, agents.
    with django_assert_num_queries(7):
        agent_client.get(URL, {"sort": sort})
    with django_assert_num_queries(7):
        agent_client.get(URL, {"sort": sort, "unread": "1", "scope": "mine"})


def test_a_search_sorted_by_a_column_still_lists_closed_tickets(agent):
    customer = CustomerFactory(name="Grace Hopper")
    closed = ticket_in_status(Status.RESOLVED, actor=agent, customer=customer)
    open_one = ticketed_complaint(customer=customer, submitted_at=days_ago(0.5)).ticket

    found = refs(agent, query="Grace Hopper", sort="opened")

    assert found == [open_one.reference, closed.reference]


def test_the_opened_column_shows_when_the_complaint_came_in(agent_client):
    ticket = ticketed_complaint(submitted_at=days_ago(1) - timedelta(minutes=5)).ticket
    response = agent_client.get(URL)
    assert re.search(r'<td class="q-opened"><time datetime="[^"]+">', response.text)
    assert ticket.reference in response.text


def test_the_30_second_refresh_keeps_the_sort(agent_client):
    ticketed_complaint()
    response = agent_client.get(URL, {"sort": "-opened"}, HTTP_HX_REQUEST="true")
    assert re.search(r'hx-get="[^"]*sort=-opened', response.text)
    assert re.search(r'aria-sort="descending"><a [^>]*data-sort="opened"', response.text)


def test_a_joined_sort_says_it_covers_the_tickets_due_first_when_there_are_more(
    agent_client, monkeypatch
):
    from recovery.views import queue as queue_view

    monkeypatch.setattr(queue_sorts, "JOINED_SORT_WINDOW", 2)
    monkeypatch.setattr(queue_view, "JOINED_SORT_WINDOW", 2)
    for _ in range(3):
        ticketed_complaint()

    assert (
        "Sorted among the 2 tickets due first" in agent_client.get(URL, {"sort": "customer"}).text
    )
    assert "Sorted among" not in agent_client.get(URL, {"sort": "opened"}).text


def test_the_topic_sort_follows_an_agent_s_correction(agent):
    from recovery.workflow.record import ticket_category_correct

    billing = CategoryFactory(name_en="Billing", position=1)
    delivery = CategoryFactory(name_en="Delivery", position=2)
    first = ticketed_complaint(category=delivery, submitted_at=days_ago(1)).ticket
    second = ticketed_complaint(category=delivery, submitted_at=days_ago(0.5)).ticket
    assert refs(agent, sort="category") == [first.reference, second.reference]

    ticket_category_correct(ticket=second, actor=agent, category=billing)

    assert refs(agent, sort="category") == [second.reference, first.reference]
