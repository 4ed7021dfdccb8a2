"""A merged ticket through the API: its own record, and the survivor's reference to follow."""

import pytest

from recovery.choices import Status
from recovery.workflow import ticket_merge, ticket_unmerge
from tests.factories import CustomerFactory, ticket_in_status

pytestmark = pytest.mark.django_db
URL = "/api/v1/tickets/"


def test_a_merged_ticket_answers_with_the_survivors_reference_not_a_redirect(agent_api, agent):
    # Not a 301: the merge can be undone for 7 days, and a client keeps a 301 for good.
    customer = CustomerFactory()
    into = ticket_in_status(Status.NEW, actor=agent, customer=customer)
    merged = ticket_in_status(Status.NEW, actor=agent, customer=customer)
    merge = ticket_merge(merged=merged, into=into, actor=agent)

    response = agent_api.get(f"{URL}{merged.reference}/")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == Status.MERGED and body["merged_into"] == into.reference
    assert body["callback_due_at"] is None
    assert agent_api.get(f"{URL}{into.reference}/").json()["merged_into"] is None

    ticket_unmerge(merge=merge, actor=agent)
    body = agent_api.get(f"{URL}{merged.reference}/").json()
    assert body["status"] == Status.NEW and body["merged_into"] is None


def test_a_step_on_a_merged_ticket_is_a_conflict(agent_api, agent):
    customer = CustomerFactory()
    into = ticket_in_status(Status.NEW, actor=agent, customer=customer)
    merged = ticket_in_status(Status.NEW, actor=agent, customer=customer)
    ticket_merge(merged=merged, into=into, actor=agent)
    response = agent_api.post(f"{URL}{merged.reference}/close/", {"reason": "Spam"}, format="json")
    assert response.status_code == 409
    assert "undo the merge first" in response.content.decode()
