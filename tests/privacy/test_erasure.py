"""Erasing a customer leaves their marker nowhere, in any table or file, and the figures as they were."""

from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from complaints.models import Attachment, Complaint, Customer
from notifications.models import InboundEmail, Notification
from privacy.models import PrivacyAction, PrivacyKind
from privacy.services import customer_erase
from recovery.choices import EventKind
from recovery.models import Compensation, Survey, TicketEvent
from review.figures import review_agents, review_indicators, review_lessons
from tests.privacy.conftest import IP, MARKER, PHONE, plant
from tests.review.conftest import MARCH, NOW, history  # noqa: F401  # the fixture

pytestmark = pytest.mark.django_db

NEEDLES = (MARKER, PHONE, PHONE.lstrip("+"), IP)


def rows_holding(needle):
    """``table: count`` of rows whose full text (every column, JSON included) contains ``needle``."""
    found = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(
                f'SELECT count(*) FROM "{table}" t WHERE t::text ILIKE %s',  # noqa: S608
                [f"%{needle}%"],
            )
            if count := cursor.fetchone()[0]:
                found[table] = count
    return found


def files_holding(needle):
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return []
    return [
        str(path)
        for path in root.rglob("*")
        if path.is_file()
        and (needle.lower() in str(path).lower() or needle.encode() in path.read_bytes())
    ]


def erase(planted, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return customer_erase(customer=planted.customer, actor=planted.manager)


def test_the_planted_marker_is_everywhere_before_erasure(planted):
    """The scan below proves something only if the marker was there to find."""
    found = rows_holding(MARKER)
    for table in (
        "complaints_customer",
        "complaints_complaint",
        "complaints_attachment",
        "recovery_ticketevent",
        "recovery_compensation",
        "recovery_callbackattempt",
        "recovery_survey",
        "notifications_notification",
        "notifications_deliveryevent",
        "notifications_inboundemail",
        "django_admin_log",
    ):
        assert table in found, table
    assert "recovery_callbackattempt" in rows_holding(PHONE)
    assert "complaints_complaint" in rows_holding(IP)
    assert files_holding(MARKER)


def test_erasure_leaves_the_marker_in_no_table_and_no_file(
    planted, django_capture_on_commit_callbacks
):
    erase(planted, django_capture_on_commit_callbacks)
    for needle in NEEDLES:
        assert rows_holding(needle) == {}, needle
        assert files_holding(needle) == [], needle


def test_erasure_leaves_another_customers_data_alone(planted, django_capture_on_commit_callbacks):
    other = plant(marker="OTHER-KEEP-3321", phone="+33699911122", ip="198.51.100.9")
    erase(planted, django_capture_on_commit_callbacks)
    assert set(rows_holding("OTHER-KEEP-3321")) >= {
        "complaints_customer",
        "complaints_complaint",
        "recovery_ticketevent",
        "notifications_inboundemail",
    }
    other.customer.refresh_from_db()
    assert other.customer.erased_at is None
    assert files_holding("OTHER-KEEP-3321")


def test_erased_customer_stays_anonymised_with_their_complaints_and_numbers(
    planted, django_capture_on_commit_callbacks
):
    events_before = TicketEvent.objects.filter(ticket=planted.ticket).count()
    erase(planted, django_capture_on_commit_callbacks)
    customer = Customer.objects.get(pk=planted.customer.pk)
    assert customer.name == f"Erased customer #{customer.pk}"
    assert (customer.email, customer.phone) == ("", "")
    assert customer.erased_at is not None
    complaint = Complaint.objects.get(pk=planted.complaint.pk)
    assert complaint.customer_id == customer.pk
    assert complaint.ip_address is None
    assert complaint.anonymised_at is not None
    assert not Attachment.objects.filter(complaint=complaint).exists()
    # Rows, scores, amounts and statuses stay for the statistics.
    assert TicketEvent.objects.filter(ticket=planted.ticket).count() == events_before
    line = Compensation.objects.get(ticket=planted.ticket)
    assert (str(line.amount), line.currency, line.status) == ("20.00", "EUR", "fulfilled")
    survey = Survey.objects.get(ticket=planted.ticket)
    assert (survey.csat, survey.nps, survey.solved) == (4, 9, "yes")
    answered = TicketEvent.objects.get(ticket=planted.ticket, kind=EventKind.SURVEY_ANSWERED)
    assert (answered.payload["nps"], answered.payload["nps_class"]) == (9, "promoter")
    assert answered.payload["comment"] == "[erased]"
    assert Notification.objects.filter(ticket=planted.ticket).count() > 0


def test_erasure_is_recorded_without_the_erased_data(planted, django_capture_on_commit_callbacks):
    action = erase(planted, django_capture_on_commit_callbacks)
    assert PrivacyAction.objects.get() == action
    assert (action.kind, action.customer_id, action.actor) == (
        PrivacyKind.ERASURE,
        planted.customer.pk,
        planted.manager,
    )


def test_erasing_twice_changes_nothing_the_second_time(planted, django_capture_on_commit_callbacks):
    erase(planted, django_capture_on_commit_callbacks)
    texts = sorted(str(p) for p in TicketEvent.objects.values_list("payload", flat=True))
    inbound = list(InboundEmail.objects.order_by("pk").values())
    customer_erase(customer=Customer.objects.get(pk=planted.customer.pk), actor=None)
    assert sorted(str(p) for p in TicketEvent.objects.values_list("payload", flat=True)) == texts
    assert list(InboundEmail.objects.order_by("pk").values()) == inbound


def test_events_stay_refused_to_ordinary_edits_after_an_erasure(
    planted, django_capture_on_commit_callbacks
):
    erase(planted, django_capture_on_commit_callbacks)
    with pytest.raises(TypeError):
        TicketEvent.objects.filter(ticket=planted.ticket).update(payload={})


def test_the_review_figures_are_the_same_after_erasing_every_customer(
    history,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    def figures():
        return (
            review_indicators(period=MARCH, now=NOW),
            review_agents(period=MARCH, now=NOW),
            review_lessons(period=MARCH, now=NOW),
        )

    before = figures()
    with django_capture_on_commit_callbacks(execute=True):
        for customer in Customer.objects.all():
            customer_erase(customer=customer, actor=None)
    assert not Customer.objects.filter(erased_at__isnull=True).exists()
    assert figures() == before
