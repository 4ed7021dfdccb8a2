"""The export holds what we keep about a customer, their files, and is recorded."""

import io
import json
import zipfile

import pytest
from django.core.management import call_command

from privacy.models import PrivacyAction, PrivacyKind, PrivacyVia
from privacy.services import customer_export
from tests.privacy.conftest import INTERNAL, MARKER, PHONE

pytestmark = pytest.mark.django_db


def exported(planted):
    out = io.BytesIO()
    customer_export(customer=planted.customer, out=out, actor=planted.manager)
    archive = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    return archive, json.loads(archive.read("customer.json"))


def test_export_holds_contacts_complaint_emails_survey_ledger_and_calls(planted):
    _archive, data = exported(planted)
    assert data["customer"]["name"] == f"Ana {MARKER}"
    assert data["customer"]["phone"] == PHONE
    (complaint,) = data["complaints"]
    assert MARKER in complaint["description"]
    assert complaint["status"] == "resolved"
    assert complaint["surveys"][0]["comment"] == f"Fine {MARKER}"
    assert complaint["compensations"][0]["code"] == MARKER
    assert complaint["callback_attempts"][0]["number_called"] == PHONE
    assert any(e["kind"] == "complaint_received" for e in data["emails_sent"])
    assert {e["subject"] for e in data["emails_received"]} == {f"Re: {MARKER}", f"Another {MARKER}"}


def test_export_timeline_has_what_the_customer_saw_or_wrote_and_no_internal_note(planted):
    _archive, data = exported(planted)
    texts = [e.get("text", "") for e in data["complaints"][0]["timeline"]]
    for said in (f"Sorry {MARKER}", f"To you {MARKER}", f"From me {MARKER}"):
        assert said in texts
    assert INTERNAL not in json.dumps(data)
    answers = [e["answer"] for e in data["complaints"][0]["timeline"] if "answer" in e]
    assert answers == [{"csat": 4, "nps": 9, "solved": "yes", "comment": f"Fine {MARKER}"}]


def test_export_carries_the_attachment_files(planted):
    archive, data = exported(planted)
    (attachment,) = data["complaints"][0]["attachments"]
    assert attachment["name"] == f"photo {MARKER}.pdf"
    assert MARKER.encode() in archive.read(attachment["file"])
    assert data["missing_files"] == []


def test_export_is_recorded_with_who_and_whom(planted):
    exported(planted)
    action = PrivacyAction.objects.get()
    assert (action.kind, action.customer_id, action.actor, action.via) == (
        PrivacyKind.EXPORT,
        planted.customer.pk,
        planted.manager,
        PrivacyVia.PAGE,
    )


def test_export_command_writes_the_zip(planted, tmp_path):
    target = tmp_path / "out.zip"
    call_command("customer_export", planted.customer.pk, "--out", str(target), stdout=io.StringIO())
    data = json.loads(zipfile.ZipFile(target).read("customer.json"))
    assert data["customer"]["id"] == planted.customer.pk
    assert PrivacyAction.objects.get().via == PrivacyVia.COMMAND
