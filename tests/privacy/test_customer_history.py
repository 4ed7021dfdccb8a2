"""The customer's page as agents read it: every complaint, what we gave, how they rated us; constant queries."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from privacy.customer_page import customer_page
from recovery.choices import CompensationKind, CompensationStatus
from recovery.models import Compensation, Survey
from tests.factories import AgentFactory, CustomerFactory, ManagerFactory, ticketed_complaint

pytestmark = pytest.mark.django_db


def _line(complaint, kind=CompensationKind.VOUCHER, amount="20.00", currency="EUR", **fields):
    return Compensation.objects.create(
        ticket=complaint.ticket,
        kind=kind,
        amount=Decimal(amount) if amount else None,
        currency=currency if amount else "",
        proposed_at=timezone.now(),
        status=fields.pop("status", CompensationStatus.FULFILLED),
        **fields,
    )


def _answer(complaint, *, nps, csat, days_ago):
    at = timezone.now() - timedelta(days=days_ago)
    return Survey.objects.create(ticket=complaint.ticket, answered_at=at, nps=nps, csat=csat)


def history(customer, complaints):
    """``complaints`` complaints, each with a voucher handed over, a survey answer and an intake score."""
    made = []
    for i in range(complaints):
        complaint = ticketed_complaint(
            customer=customer,
            nps_at_intake=i % 11,
            submitted_at=timezone.now() - timedelta(days=40 - i),
        )
        _line(complaint)
        _answer(complaint, nps=9, csat=4, days_ago=30 - i)
        made.append(complaint)
    return made


def test_totals_sum_what_was_handed_over_by_currency_and_keep_the_rest_apart():
    customer = CustomerFactory()
    first, second = (ticketed_complaint(customer=customer) for _ in range(2))
    _line(first, amount="20.00")
    _line(second, amount="12.50")
    _line(second, amount="15.00", currency="GBP")
    _line(first, kind=CompensationKind.REPLACEMENT, amount=None)
    _line(first, amount="99.00", status=CompensationStatus.APPROVED)  # on its way
    _line(first, amount="50.00", status=CompensationStatus.DECLINED)
    _line(first, amount="70.00", status=CompensationStatus.PROPOSED)
    _line(second, kind=CompensationKind.NONE, amount=None, reason="Already refunded.")
    other = ticketed_complaint()  # another customer's money is not theirs
    _line(other, amount="500.00")

    page = customer_page(customer=customer)

    assert page.given.amounts == [("EUR", Decimal("32.50")), ("GBP", Decimal("15.00"))]
    assert page.given.gestures == 1
    assert page.on_its_way.amounts == [("EUR", Decimal("99.00"))]
    rows = {c.pk: c for c in page.complaints}
    assert rows[first.pk].given.amounts == [("EUR", Decimal("20.00"))]
    assert rows[second.pk].given.amounts == [("EUR", Decimal("12.50")), ("GBP", Decimal("15.00"))]


def test_ratings_run_oldest_first_from_intake_scores_and_survey_answers():
    customer = CustomerFactory()
    old = ticketed_complaint(
        customer=customer, nps_at_intake=2, submitted_at=timezone.now() - timedelta(days=60)
    )
    new = ticketed_complaint(customer=customer, nps_at_intake=None)
    _answer(old, nps=8, csat=4, days_ago=50)
    _answer(new, nps=10, csat=5, days_ago=0)
    Survey.objects.create(ticket=new.ticket)  # sent, never answered

    ratings = customer_page(customer=customer).ratings

    assert [(r.source, r.complaint.pk, r.nps, r.csat, r.nps_class) for r in ratings] == [
        ("intake", old.pk, 2, None, "detractor"),
        ("survey", old.pk, 8, 4, "passive"),
        ("survey", new.pk, 10, 5, "promoter"),
    ]


def test_the_page_lists_each_complaint_linked_to_its_ticket_with_status_money_and_ratings(client):
    customer = CustomerFactory(name="Amélie Durand", email="amelie@example.com")
    complaints = history(customer, 2)
    client.force_login(AgentFactory())

    page = client.get(reverse("privacy:customer", args=[customer.pk])).text

    for complaint in complaints:
        assert f'href="{reverse("agent:ticket", args=[complaint.reference])}"' in page
    assert "<caption" in page and 'scope="col"' in page and 'scope="row"' in page
    assert "€40.00" in page  # two vouchers of 20 handed over
    assert "€20.00" in page
    assert "Follow-up survey" in page and "When filing" in page
    assert "amelie@example.com" in page
    assert "Likelihood to recommend, over time" in page


def test_a_customer_with_nothing_yet_says_so(client):
    customer = CustomerFactory()
    ticketed_complaint(customer=customer, nps_at_intake=None)
    client.force_login(AgentFactory())

    page = client.get(reverse("privacy:customer", args=[customer.pk])).text

    assert "Nothing handed over yet" in page
    assert "The customer has not rated us yet." in page


# Session and user (2), the customer, their complaints with tickets, the ledger
# summed, the answered surveys (4); a manager's page also reads the privacy
# actions (1) and the role check costs the same for both.
AGENT_QUERIES = 7
MANAGER_QUERIES = AGENT_QUERIES + 1


@pytest.mark.parametrize("complaints", [1, 6])
@pytest.mark.parametrize(
    ("user", "queries"),
    [(AgentFactory, AGENT_QUERIES), (ManagerFactory, MANAGER_QUERIES)],
    ids=["agent", "manager"],
)
def test_the_page_costs_the_same_queries_however_many_complaints(
    client, django_assert_num_queries, complaints, user, queries
):
    customer = CustomerFactory()
    history(customer, complaints)
    client.force_login(user())
    url = reverse("privacy:customer", args=[customer.pk])

    with django_assert_num_queries(queries):
        response = client.get(url)

    assert response.status_code == 200
    assert response.text.count('class="table__ref"') == complaints
