"""Staff accounts are deactivated from the admin, never deleted: their timelines stay true."""

import pytest
from django.contrib.auth.models import User

from recovery import services
from tests.factories import AgentFactory, ticketed_complaint

pytestmark = pytest.mark.django_db


def test_the_admin_offers_no_delete_for_a_user_and_refuses_one(admin_client):
    agent = AgentFactory()
    ticket = ticketed_complaint().ticket
    services.ticket_add_note(ticket=ticket, actor=agent, text="Called the carrier.")
    change = admin_client.get(f"/admin/auth/user/{agent.pk}/change/").content.decode()
    assert f"/admin/auth/user/{agent.pk}/delete/" not in change
    assert admin_client.get(f"/admin/auth/user/{agent.pk}/delete/").status_code == 403
    assert ticket.events.filter(actor=agent).exists()


def test_the_admin_deactivates_users_in_bulk(admin_client):
    agents = [AgentFactory(), AgentFactory()]
    response = admin_client.post(
        "/admin/auth/user/",
        {"action": "deactivate", "_selected_action": [agent.pk for agent in agents]},
    )
    assert response.status_code == 302
    assert not User.objects.filter(pk__in=[a.pk for a in agents], is_active=True).exists()
