"""The agents' queue: order, filters, search, counters, pages, claiming and assigning."""

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from complaints.models import Channel
from recovery.choices import EventKind, Priority, Status
from recovery.queue import QueueFilters, ticket_queue
from recovery.workflow import transition
from tests.factories import (
    AgentFactory,
    CategoryFactory,
    CustomerFactory,
    ManagerFactory,
    UserFactory,
    days_ago,
    ticket_in_status,
    ticketed_complaint,
)

pytestmark = pytest.mark.django_db
URL = reverse("agent:queue")


def queue(user, **filters):
    return ticket_queue(filters=QueueFilters(**filters), user=user)


def refs(page):
    return [t.reference for t in page.tickets]


def test_breached_queue_holds_overdue_unacknowledged_and_marked_tickets(agent):
    overdue = ticket_in_status(Status.NEW, actor=agent, submitted_at=days_ago(3))
    due_later = ticket_in_status(Status.NEW, actor=agent)
    called_late = ticket_in_status(Status.ACKNOWLEDGED, actor=agent, submitted_at=days_ago(3))
    marked = ticket_in_status(Status.APOLOGIZED, actor=agent, submitted_at=days_ago(3))
    transition(ticket=marked, actor=None, changes={"breached_at": timezone.now()})
    closed = ticket_in_status(Status.CLOSED_INVALID, actor=agent, submitted_at=days_ago(3))

    breached = {t.pk for t in queue(agent, breached=True).tickets}

    assert breached == {overdue.pk, marked.pk}
    assert {due_later.pk, called_late.pk, closed.pk}.isdisjoint(breached)


def test_a_ticket_is_breached_from_the_second_after_its_deadline(agent):
    ticket = ticket_in_status(Status.NEW, actor=agent)
    with time_machine.travel(ticket.callback_due_at - timedelta(seconds=1), tick=False):
        assert not queue(agent, breached=True).tickets
    with time_machine.travel(ticket.callback_due_at, tick=False):
        assert not queue(agent, breached=True).tickets
    with time_machine.travel(ticket.callback_due_at + timedelta(seconds=1), tick=False):
        assert queue(agent, breached=True).tickets == [ticket]


def test_overdue_first_then_nearest_deadline_then_follow_ups_and_met_promises(agent):
    later = ticketed_complaint(submitted_at=days_ago(0.1)).ticket
    overdue = ticketed_complaint(submitted_at=days_ago(3)).ticket
    sooner = ticketed_complaint(submitted_at=days_ago(1)).ticket
    called = ticket_in_status(Status.APOLOGIZED, actor=agent)
    follow_up = ticket_in_status(Status.FOLLOW_UP, actor=agent)
    resolved = ticket_in_status(Status.RESOLVED, actor=agent)
    order = refs(queue(agent))
    assert order[:4] == [overdue.reference, sooner.reference, later.reference, follow_up.reference]
    assert order[4] == called.reference
    assert resolved.reference not in order


def test_rows_turn_amber_under_a_quarter_of_the_window_and_red_when_breached(agent):
    ticket = ticketed_complaint().ticket  # 48 h window
    with time_machine.travel(ticket.opened_at + timedelta(hours=35), tick=False):
        assert queue(agent).tickets[0].due_state == ""
    with time_machine.travel(ticket.opened_at + timedelta(hours=37), tick=False):
        assert queue(agent).tickets[0].due_state == "soon"
    with time_machine.travel(ticket.opened_at + timedelta(hours=48), tick=False):
        assert queue(agent).tickets[0].due_state == "breached"


def test_scopes_mine_and_unassigned(agent):
    other = AgentFactory()
    mine = ticket_in_status(Status.NEW, actor=agent)
    from recovery.services import ticket_assign

    ticket_assign(ticket=mine, assignee=agent, actor=agent)
    theirs = ticket_in_status(Status.NEW, actor=other)
    ticket_assign(ticket=theirs, assignee=other, actor=other)
    nobodys = ticket_in_status(Status.NEW, actor=agent)
    assert refs(queue(agent, scope="mine")) == [mine.reference]
    assert refs(queue(agent, scope="unassigned")) == [nobodys.reference]
    counts = queue(agent).counts
    assert (counts["all"], counts["mine"], counts["unassigned"], counts["breached"]) == (3, 1, 1, 0)


@pytest.mark.parametrize("field", ["status", "priority", "category", "channel"])
def test_each_filter_keeps_only_matching_tickets(agent, field):
    high = CategoryFactory(default_priority=Priority.HIGH)
    wanted = ticketed_complaint(category=high, channel=Channel.PHONE).ticket
    from recovery.services import ticket_acknowledge

    ticket_acknowledge(
        ticket=wanted, actor=agent, method="message", message="Hello, I read your complaint."
    )
    ticketed_complaint()
    value = {
        "status": Status.ACKNOWLEDGED,
        "priority": Priority.HIGH,
        "category": high.pk,
        "channel": Channel.PHONE,
    }[field]
    assert refs(queue(agent, **{field: value})) == [wanted.reference]


@pytest.mark.parametrize(
    "query",
    [
        "{reference}",
        "{reference_lower}",
        "Grace@Example.com",
        "+33 6 12 34 56 78",
        "0612345678",
        "race hop"[1:5],
    ],
)
def test_search_by_reference_email_phone_or_name(agent, query):
    customer = CustomerFactory(name="Grace Hopper", email="grace@example.com", phone="+33612345678")
    wanted = ticketed_complaint(customer=customer).ticket
    ticketed_complaint(customer=CustomerFactory(name="Alan Turing"))
    query = query.format(
        reference=wanted.reference, reference_lower=wanted.reference.lower().replace("-", " ")
    )
    assert refs(queue(agent, query=query)) == [wanted.reference]


def test_search_finds_a_resolved_ticket_by_reference(agent):
    resolved = ticket_in_status(Status.RESOLVED, actor=agent)
    assert refs(queue(agent, query=resolved.reference)) == [resolved.reference]


def test_pages_of_25_with_next_and_previous(agent):
    for _ in range(26):
        ticketed_complaint()
    first = ticket_queue(filters=QueueFilters(), user=agent, page=1)
    second = ticket_queue(filters=QueueFilters(), user=agent, page=2)
    assert (len(first.tickets), first.has_next, first.has_previous) == (25, True, False)
    assert (len(second.tickets), second.has_next, second.has_previous) == (1, False, True)


def test_filters_from_the_query_string_ignore_nonsense():
    from django.http import QueryDict

    filters = QueueFilters.from_params(
        QueryDict(
            "scope=everything&status=resolved&priority=urgent&category=1e9&breached=yes&q=%20a%20%20b"
        )
    )
    assert filters == QueueFilters(query="a b")


# --- the page ---------------------------------------------------------------


def test_queue_page_needs_an_agent(client):
    assert client.get(URL).status_code == 302
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 403


def test_queue_page_lists_tickets_with_counters(agent_client, agent):
    ticket = ticketed_complaint(submitted_at=days_ago(3)).ticket
    response = agent_client.get(URL)
    assert response.status_code == 200
    assert ticket.reference in response.text
    assert "queue-row--breached" in response.text
    assert 'hx-trigger="every 30s' in response.text


def test_htmx_refresh_returns_only_the_results_with_the_same_filters(agent_client):
    ticketed_complaint()
    response = agent_client.get(URL, {"priority": "standard"}, HTTP_HX_REQUEST="true")
    assert (
        response.text.lstrip().startswith('<div id="queue-results"')
        or 'id="queue-results"' in response.text[:400]
    )
    assert "<html" not in response.text
    assert "priority=standard" in response.text


@pytest.mark.parametrize("size", [1, 60])
def test_queue_page_runs_the_same_queries_whatever_the_data(
    agent_client, django_assert_num_queries, size
):
    from recovery.services import ticket_assign

    agents = [AgentFactory() for _ in range(3)]
    for i in range(size):
        ticket = ticketed_complaint(category=CategoryFactory()).ticket
        if i < 3:
            ticket_assign(ticket=ticket, assignee=agents[i], actor=agents[i])
    # session, user, the user's groups, the page of tickets, "mine" (with its
    # reminder badge), the categories and the agents for the menus; plus six
    # shared counts (the awaiting-approval tab's one of them) and the
    # unmatched mail tab's count (config.context_processors) when the
    # counters are not in the cache.
    cache.clear()
    with django_assert_num_queries(14):
        agent_client.get(URL)
    with django_assert_num_queries(7):
        agent_client.get(URL)
    with django_assert_num_queries(7):
        agent_client.get(URL, {"scope": "mine", "breached": "1", "q": "someone@example.com"})
    with django_assert_num_queries(7):
        agent_client.get(URL, {"scope": "awaiting"})


def test_shared_counters_are_reused_for_a_few_seconds_then_counted_again(agent, settings):
    settings.AMENDS = {**settings.AMENDS, "QUEUE_COUNTS_SECONDS": 10}
    ticketed_complaint()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert queue(agent).counts["all"] == 1
        ticketed_complaint()
        assert queue(agent).counts["all"] == 1
    cache.clear()  # the cache's own clock is Redis's; expiry is Redis's job
    assert queue(agent).counts["all"] == 2


def test_counters_are_counted_live_when_the_cache_is_unreachable(agent, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    ticketed_complaint()
    assert queue(agent).counts == {
        "all": 1,
        "unassigned": 1,
        "breached": 0,
        "escalated": 0,
        "awaiting": 0,
        "mine": 0,
        "reminded": 0,
    }


def test_claiming_a_ticket_from_the_queue_assigns_it_to_me(agent_client, agent):
    ticket = ticketed_complaint().ticket
    response = agent_client.post(
        reverse("agent:queue_assign"), {"assignee": "me", "tickets": [ticket.pk]}
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.assignee == agent
    assert ticket.events.filter(kind=EventKind.ASSIGNED).count() == 1


def test_bulk_assign_to_another_agent_and_back_to_nobody(agent_client):
    other = AgentFactory()
    tickets = [ticketed_complaint().ticket for _ in range(3)]
    ids = [t.pk for t in tickets]
    agent_client.post(reverse("agent:queue_assign"), {"assignee": other.pk, "tickets": ids})
    assert {t.assignee_id for t in type(tickets[0]).objects.filter(pk__in=ids)} == {other.pk}
    agent_client.post(reverse("agent:queue_assign"), {"assignee": "nobody", "tickets": ids})
    assert {t.assignee_id for t in type(tickets[0]).objects.filter(pk__in=ids)} == {None}


def test_bulk_assign_refuses_a_non_agent_and_an_empty_selection(agent_client):
    ticket = ticketed_complaint().ticket
    outsider = UserFactory()
    response = agent_client.post(
        reverse("agent:queue_assign"),
        {"assignee": outsider.pk, "tickets": [ticket.pk]},
        follow=True,
    )
    assert "Choose an agent" in response.text
    response = agent_client.post(reverse("agent:queue_assign"), {"assignee": "me"}, follow=True)
    assert "Tick at least one ticket" in response.text
    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_assign_redirects_only_to_this_site(agent_client):
    ticket = ticketed_complaint().ticket
    response = agent_client.post(
        reverse("agent:queue_assign"),
        {"assignee": "me", "tickets": [ticket.pk], "next": "https://evil.example/"},
    )
    assert response["Location"] == URL


# --- Awaiting approval --------------------------------------------------------


def _proposal(agent, amount, *, approve_first=None):
    """A ticket with a refund of ``amount`` EUR proposed, after ``approve_first`` EUR approved."""
    from recovery.compensation import compensation_approve, compensation_propose

    ticket = ticket_in_status(Status.APOLOGIZED, actor=agent)
    if approve_first:
        line = compensation_propose(
            ticket=ticket, actor=agent, kind="refund", amount=approve_first, currency="EUR"
        )
        compensation_approve(compensation=line, actor=agent)
    compensation_propose(ticket=ticket, actor=agent, kind="refund", amount=amount, currency="EUR")
    return ticket


def test_awaiting_approval_lists_waiting_proposals_and_for_managers_those_that_need_one(agent):
    from recovery.models import ApprovalLimit

    ApprovalLimit.objects.create(currency="EUR", agent_limit=50)
    manager = ManagerFactory()
    within = _proposal(agent, "30.00")
    above = _proposal(agent, "80.00")
    second_half = _proposal(agent, "45.00", approve_first="45.00")
    ticket_in_status(Status.APOLOGIZED, actor=agent)  # nothing proposed
    settled = ticket_in_status(Status.COMPENSATED, actor=agent)  # a "none" line, settled

    for_agent = queue(agent, scope="awaiting")
    for_manager = queue(manager, scope="awaiting")

    assert set(refs(for_agent)) == {within.reference, above.reference, second_half.reference}
    assert set(refs(for_manager)) == {above.reference, second_half.reference}
    assert settled.reference not in refs(for_agent)
    assert (for_agent.counts["awaiting"], for_manager.counts["awaiting"]) == (3, 2)


def test_the_awaiting_approval_tab_shows_on_the_queue_page_with_its_count(client):
    from recovery.models import ApprovalLimit

    ApprovalLimit.objects.create(currency="EUR", agent_limit=50)
    agent = AgentFactory()
    above = _proposal(agent, "80.00")
    client.force_login(ManagerFactory())

    text = client.get(URL, {"scope": "awaiting"}).text

    assert 'href="?scope=awaiting"' in text and "Awaiting approval" in text
    assert above.reference in text


def test_the_tabs_keep_the_search_and_the_filters(agent_client):
    category = CategoryFactory()
    ticketed_complaint(category=category)
    params = {
        "scope": "mine",
        "q": "Grace",
        "status": "new",
        "priority": "high",
        "category": str(category.pk),
        "channel": "web",
        "emails": "failed",
    }

    text = agent_client.get(URL, params).text

    kept = (
        f"q=Grace&amp;status=new&amp;priority=high&amp;category={category.pk}"
        "&amp;channel=web&amp;emails=failed"
    )
    assert f'href="?scope=unassigned&amp;{kept}"' in text
    assert f'href="?scope=mine&amp;breached=1&amp;{kept}"' in text


def test_counters_cached_by_the_previous_release_do_not_break_the_page(agent_client, manager):
    # What the queue cached before the awaiting-approval tab: a deploy meets it
    # in Redis for up to QUEUE_COUNTS_SECONDS.
    old_shape = {"all": 3, "unassigned": 1, "breached": 0, "escalated": 0}
    cache.set("amends:queue:counts", old_shape, timeout=60)
    ticketed_complaint()
    assert agent_client.get(URL).status_code == 200
    agent_client.force_login(manager)
    assert agent_client.get(URL, {"scope": "awaiting"}).status_code == 200
