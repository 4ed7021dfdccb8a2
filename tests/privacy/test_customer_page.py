"""The customer's page: agents see the history, managers export and erase; erasure asks first."""

import io
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from complaints.models import Customer
from privacy.models import PrivacyAction, PrivacyKind
from recovery.workflow import ticket_reopen
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_client(client, planted):
    client.force_login(planted.manager)
    return client


def test_managers_see_the_customer_with_their_complaints(manager_client, planted):
    response = manager_client.get(reverse("privacy:customer", args=[planted.customer.pk]))
    assert response.status_code == 200
    assert planted.customer.name in response.text
    assert planted.complaint.reference in response.text


def test_agents_see_the_page_without_the_data_actions_which_they_are_refused(client, planted):
    url = reverse("privacy:customer", args=[planted.customer.pk])
    assert client.get(url).status_code == 302
    client.force_login(AgentFactory())
    page = client.get(url)
    assert page.status_code == 200
    assert planted.complaint.reference in page.text
    assert reverse("privacy:export", args=[planted.customer.pk]) not in page.text
    assert reverse("privacy:erase", args=[planted.customer.pk]) not in page.text
    assert client.get(reverse("privacy:erase", args=[planted.customer.pk])).status_code == 403
    assert client.post(reverse("privacy:export", args=[planted.customer.pk])).status_code == 403
    assert (
        client.post(
            reverse("privacy:erase", args=[planted.customer.pk]),
            {"confirm": str(planted.customer.pk)},
        ).status_code
        == 403
    )
    assert Customer.objects.get(pk=planted.customer.pk).erased_at is None


def test_export_downloads_a_zip_as_an_attachment(manager_client, planted):
    url = reverse("privacy:export", args=[planted.customer.pk])
    assert manager_client.get(url).status_code == 405
    response = manager_client.post(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert "customer.json" in archive.namelist()


def test_erasure_needs_the_customer_number_typed(manager_client, planted):
    url = reverse("privacy:erase", args=[planted.customer.pk])
    assert manager_client.get(url).status_code == 200
    assert manager_client.post(url, {"confirm": "nope"}).status_code == 400
    assert Customer.objects.get(pk=planted.customer.pk).erased_at is None
    response = manager_client.post(url, {"confirm": str(planted.customer.pk)})
    assert response.status_code == 302
    assert Customer.objects.get(pk=planted.customer.pk).erased_at is not None
    assert PrivacyAction.objects.get().kind == PrivacyKind.ERASURE


def test_ticket_page_links_the_customers_name_to_their_page(client, planted):
    url = reverse("agent:ticket", args=[planted.complaint.reference])
    link = reverse("privacy:customer", args=[planted.customer.pk])
    for user in (planted.agent, planted.manager):
        client.force_login(user)
        assert f'<a href="{link}">{planted.customer.name}</a>' in client.get(url).text


def test_erase_command_asks_unless_told_yes(planted, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: "0")
    with pytest.raises(CommandError):
        call_command("customer_erase", planted.customer.pk, stdout=io.StringIO())
    assert Customer.objects.get(pk=planted.customer.pk).erased_at is None
    call_command("customer_erase", planted.customer.pk, "--yes", stdout=io.StringIO())
    assert Customer.objects.get(pk=planted.customer.pk).erased_at is not None


def test_queue_rows_link_the_customers_name_out_of_the_tab_order(client, planted):
    ticket_reopen(ticket=planted.ticket, actor=planted.agent, reason="Back in the queue.")
    client.force_login(planted.agent)
    link = reverse("privacy:customer", args=[planted.customer.pk])

    page = client.get(reverse("agent:queue")).text

    assert f'<a href="{link}" tabindex="-1">{planted.customer.name}</a>' in page
