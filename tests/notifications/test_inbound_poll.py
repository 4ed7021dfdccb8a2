"""The IMAP poller against a local IMAP server: each unseen message once, marked seen after commit."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from complaints.models import Channel, Complaint
from config.email_providers import imap_mailbox
from notifications import inbound, tasks
from notifications.inbound.poll import inbound_poll
from notifications.models import InboundEmail, InboundStatus, Notification, NotificationKind
from tests.factories import CategoryFactory
from tests.notifications.imap_server import ImapServer
from tests.notifications.inbound_mail import raw_email
from tests.notifications.test_inbound_guards import BROKEN_TREE

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _category():
    CategoryFactory()


@pytest.fixture
def mailbox(settings):
    server = ImapServer().start()
    settings.AMENDS = {**settings.AMENDS, "INBOUND_IMAP": server.settings()}
    yield server
    server.stop()


def test_the_poller_opens_a_complaint_per_unseen_message_and_marks_each_seen(mailbox):
    first = mailbox.add(raw_email(sender="Ada <ada@example.com>"))
    second = mailbox.add(
        raw_email(sender="Bob <bob@example.com>", text="Late parcel, still waiting.")
    )
    assert inbound_poll() == 2
    assert set(Complaint.objects.values_list("customer__email", "channel")) == {
        ("ada@example.com", Channel.EMAIL),
        ("bob@example.com", Channel.EMAIL),
    }
    assert set(InboundEmail.objects.values_list("esp", "status")) == {
        ("imap", InboundStatus.OPENED)
    }
    assert Notification.objects.filter(kind=NotificationKind.COMPLAINT_RECEIVED).count() == 2
    assert mailbox.seen() == {first, second}
    # Fetched without marking: only the STORE after each row says it was taken.
    assert [line for line in mailbox.log if line.startswith("UID FETCH")] == [
        f"UID FETCH {first} (BODY.PEEK[])",
        f"UID FETCH {second} (BODY.PEEK[])",
    ]


def test_a_second_run_takes_only_new_messages(mailbox):
    mailbox.add(raw_email())
    inbound_poll()
    later = mailbox.add(raw_email(sender="bob@example.com", text="Another complaint entirely."))
    assert inbound_poll() == 1
    assert Complaint.objects.count() == 2
    assert later in mailbox.seen()


def test_a_message_left_unseen_by_a_failed_store_is_stored_once_on_the_next_run(mailbox):
    uid = mailbox.add(raw_email(message_id="<twice@mail.test>"))
    mailbox.fail_store = True
    assert inbound_poll() == 1
    assert uid not in mailbox.seen()
    mailbox.fail_store = False
    assert inbound_poll() == 0  # the same Message-ID: no second row, no second complaint
    assert uid in mailbox.seen()
    assert (InboundEmail.objects.count(), Complaint.objects.count()) == (1, 1)


def test_loop_protection_applies_to_polled_mail(mailbox):
    mailbox.add(raw_email(headers={"Auto-Submitted": "auto-replied"}))
    mailbox.add(BROKEN_TREE)
    assert inbound_poll() == 2
    assert set(InboundEmail.objects.values_list("status", "reason")) == {
        (InboundStatus.REVIEW, inbound.AUTOMATIC_REPLY),
        (InboundStatus.REVIEW, inbound.MALFORMED),
    }
    assert not Complaint.objects.exists()
    assert len(mailbox.seen()) == 2


def test_the_command_and_the_beat_task_read_the_configured_mailbox(mailbox):
    mailbox.add(raw_email())
    call_command("inbound_poll")
    mailbox.add(raw_email(sender="bob@example.com", text="A second complaint from Bob."))
    assert tasks.inbound_poll() == 1
    assert Complaint.objects.count() == 2


def test_the_command_says_so_when_no_mailbox_is_configured(settings):
    settings.AMENDS = {**settings.AMENDS, "INBOUND_IMAP": None}
    with pytest.raises(CommandError, match="INBOUND_IMAP_URL"):
        call_command("inbound_poll")
    assert tasks.inbound_poll() == 0


def test_wrong_credentials_fail_loudly_and_store_nothing(mailbox):
    mailbox.add(raw_email())
    with pytest.raises(Exception, match="Invalid credentials"):
        inbound_poll(config=mailbox.settings(password="guess"))
    assert not InboundEmail.objects.exists()
    assert not mailbox.seen()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("", None),
        (
            "imaps://complaints%40shop.example:p%40ss@imap.shop.example/Complaints",
            {
                "host": "imap.shop.example",
                "port": 993,
                "user": "complaints@shop.example",
                "password": "p@ss",
                "folder": "Complaints",
                "ssl": True,
            },
        ),
        (
            "imap://u:p@127.0.0.1:1143",
            {
                "host": "127.0.0.1",
                "port": 1143,
                "user": "u",
                "password": "p",
                "folder": "INBOX",
                "ssl": False,
            },
        ),
    ],
)
def test_the_mailbox_url_becomes_the_imap_settings(url, expected):
    assert imap_mailbox(url) == expected


def _beat_has_the_poll(url):
    env = {**os.environ, "INBOUND_IMAP_URL": url}
    code = "from django.conf import settings;print('inbound-poll' in settings.CELERY_BEAT_SCHEDULE)"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip() == "True"


def test_the_beat_polls_every_minute_only_when_a_mailbox_is_configured():
    assert _beat_has_the_poll("imaps://u:p@imap.shop.example/INBOX")
    assert not _beat_has_the_poll("")
