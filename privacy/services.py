"""Export, erasure and retention of a customer's personal data: the only writers here.

Erasure and the retention sweep share one core, ``complaints_anonymise``
(a complaint's free texts, files, emails and timeline texts) and
``customer_contact_erase`` (the person's name and contacts). Everything the
statistics read stays exact: rows are kept, only their texts are replaced;
counts, statuses, dates, scores and amounts are not touched, and ticket rows
(``recovery.workflow``'s alone) are never written.
"""

import json
import re
import zipfile
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO, Any

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Case, CharField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from complaints.models import Attachment, Complaint, Customer
from notifications.models import STAFF_KINDS, DeliveryEvent, InboundEmail, Notification
from privacy.models import PrivacyAction, PrivacyKind, PrivacyVia
from privacy.selectors import (
    attachment_archive_name,
    customer_attachments,
    customer_held,
    sent_from,
)
from privacy.signals import PLACEHOLDER_FIELDS, complaints_anonymising
from recovery.choices import CLOSED_STATUSES, EventKind
from recovery.models import TicketEvent
from recovery.redaction import ERASED, events_redact, ticket_records_redact

# Payload keys that hold the timeline's vocabulary (statuses, kinds, methods,
# dates, amounts): kept, because the statistics and the emails read them. Any
# other string in a payload is free text and goes, whatever its key; a kept
# key whose value is not a plain token goes too. ``to_name`` is an agent's.
KEPT_EVENT_KEYS = frozenset(
    {
        "action",
        "amount",
        "callback_due_at",
        "change",
        "channel",
        "currency",
        "due_at",
        "expires_at",
        "from",
        "kind",
        "method",
        "nps_class",
        "outcome",
        "priority",
        "priority_was",
        "solved",
        "source",
        "survey_outcome",
        "to",
    }
)
STAFF_EVENT_KEYS = frozenset({"to_name"})
TOKEN = re.compile(r"^[A-Za-z0-9_.:+\-]{0,40}$")

BATCH_SIZE = 500


def erased_name(customer_id: int) -> str:
    return f"Erased customer #{customer_id}"


def action_record(*, kind: str, customer_id: int, actor: User | None, via: str) -> PrivacyAction:
    """Write the audit row: who did what to whom, when, and nothing about the person."""
    return PrivacyAction.objects.create(
        kind=kind,
        customer_id=customer_id,
        actor=actor if actor is not None and actor.is_authenticated else None,
        via=via,
        at=timezone.now(),
    )


def customer_export(
    *, customer: Customer, out: IO[bytes], actor: User | None, via: str = PrivacyVia.PAGE
) -> None:
    """Write everything held about a customer to ``out`` as a ZIP: ``customer.json`` and the files.

    Recorded in ``PrivacyAction`` (the request was met, and by whom). A file
    missing from storage is listed in the JSON as missing rather than
    failing the whole export.
    """
    data = customer_held(customer=customer)
    missing: list[str] = []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for attachment in customer_attachments(customer=customer):
            name = attachment_archive_name(attachment, attachment.complaint.reference)
            try:
                with attachment.file.open("rb") as source:
                    archive.writestr(name, source.read())
            except (FileNotFoundError, ValueError):
                missing.append(name)
        data["missing_files"] = missing
        archive.writestr(
            "customer.json", json.dumps(data, ensure_ascii=False, indent=2, default=str)
        )
    action_record(kind=PrivacyKind.EXPORT, customer_id=customer.pk, actor=actor, via=via)


def _event_keys_to_erase(ticket_ids: Collection[int]) -> set[str]:
    keys: set[str] = set()
    payloads = TicketEvent.objects.filter(ticket_id__in=ticket_ids).values_list(
        "payload", flat=True
    )
    for payload in payloads:
        if not isinstance(payload, dict):
            continue
        for key, value in payload.items():
            if not isinstance(value, str) or not value or value == ERASED:
                continue
            if key in STAFF_EVENT_KEYS or (key in KEPT_EVENT_KEYS and TOKEN.match(value)):
                continue
            keys.add(key)
    return keys


def _files_delete(names: Iterable[str]) -> None:
    for name in names:
        if name:
            default_storage.delete(name)


@transaction.atomic
def complaints_anonymise(*, complaint_ids: Collection[int], at: datetime) -> int:
    """Remove what these complaints said and what was written about them; the rows stay.

    The complaint's texts and IP address, its attachments (rows now, files
    once the transaction commits: a rollback must not leave rows pointing
    at nothing), the free texts of its timeline, ledger, calls and surveys,
    and the subjects, addresses and errors of its emails both ways. Marks
    each complaint ``anonymised_at``; a complaint already marked is skipped,
    so running it twice changes nothing. Returns how many were anonymised.
    """
    complaints = Complaint.objects.select_for_update().filter(
        pk__in=complaint_ids, anonymised_at__isnull=True
    )
    ids = list(complaints.values_list("pk", flat=True))
    if not ids:
        return 0
    ticket_ids = list(
        Complaint.objects.filter(pk__in=ids, ticket__isnull=False).values_list(
            "ticket__id", flat=True
        )
    )
    placeholders = _placeholders(ids)
    Complaint.objects.filter(pk__in=ids).update(
        description=ERASED,
        remedy_sought=Case(When(remedy_sought="", then=Value("")), default=Value(ERASED)),
        order_reference="",
        ip_address=None,
        idempotency_fingerprint="",
        anonymised_at=at,
    )
    for (field, text), pks in placeholders.items():
        Complaint.objects.filter(pk__in=pks).update(**{field: text})
    attachments = Attachment.objects.filter(complaint_id__in=ids)
    names = list(attachments.values_list("file", flat=True))
    attachments.delete()
    transaction.on_commit(lambda: _files_delete(names))

    events_redact(ticket_ids=ticket_ids, keys=_event_keys_to_erase(ticket_ids))
    ticket_records_redact(ticket_ids=ticket_ids)
    _emails_anonymise(ticket_ids=ticket_ids, complaint_ids=ids)
    return len(ids)


def _placeholders(complaint_ids: list[int]) -> dict[tuple[str, str], list[int]]:
    """``{(field, text): [complaint ids]}``: what the subscribers ask to keep in place of a text."""
    grouped: dict[tuple[str, str], list[int]] = {}
    for _receiver, response in complaints_anonymising.send(
        sender=Complaint, complaint_ids=complaint_ids
    ):
        answer: dict[int, dict[str, str]] = response if isinstance(response, dict) else {}
        for pk, fields in answer.items():
            for field, text in fields.items():
                if field in PLACEHOLDER_FIELDS and pk in complaint_ids:
                    grouped.setdefault((field, text), []).append(pk)
    return grouped


def _inbound_blank(emails: Any) -> None:
    emails.update(from_email="", to="", subject="", text="", attachment_names=[], reason="")


def _emails_anonymise(*, ticket_ids: Collection[int], complaint_ids: Collection[int]) -> None:
    outbox = Notification.objects.filter(ticket_id__in=ticket_ids)
    # A staff alert's subject may name the customer; its recipient is a colleague.
    outbox.update(subject="", last_error="")
    outbox.exclude(kind__in=STAFF_KINDS).exclude(recipient__endswith="@erased.invalid").update(
        # Unique per event and kind: each row gets its own placeholder.
        recipient=Concat(
            Value("erased-"), Cast("pk", output_field=CharField()), Value("@erased.invalid")
        )
    )
    DeliveryEvent.objects.filter(notification__ticket_id__in=ticket_ids).update(
        recipient="", description=""
    )
    _inbound_blank(
        InboundEmail.objects.filter(Q(ticket_id__in=ticket_ids) | Q(complaint_id__in=complaint_ids))
    )


@transaction.atomic
def customer_contact_erase(*, customer: Customer, at: datetime) -> bool:
    """Replace the person's name and contacts, and the mail from their address nobody matched.

    Also the admin's history, whose rows repeat the customer's name. Returns
    False when they were erased already (nothing changes the second time).
    """
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if customer.erased_at is not None:
        return False
    if customer.email:
        _inbound_blank(InboundEmail.objects.filter(sent_from(customer.email)))
        DeliveryEvent.objects.filter(recipient__iexact=customer.email).update(
            recipient="", description=""
        )
    name = erased_name(customer.pk)
    Customer.objects.filter(pk=customer.pk).update(name=name, email="", phone="", erased_at=at)
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Customer), object_id=str(customer.pk)
    ).update(object_repr=name, change_message="")
    return True


def customer_erase(
    *, customer: Customer, actor: User | None, via: str = PrivacyVia.PAGE
) -> PrivacyAction:
    """Erase a customer on request: every complaint of theirs anonymised, then their contacts.

    Open tickets stay open (the team may still owe the statistics an
    outcome) but nobody can reach the customer any more; the page warns
    before. Recorded without the erased data.
    """
    at = timezone.now()
    with transaction.atomic():
        complaints_anonymise(
            complaint_ids=list(customer.complaints.values_list("pk", flat=True)), at=at
        )
        customer_contact_erase(customer=customer, at=at)
        return action_record(
            kind=PrivacyKind.ERASURE, customer_id=customer.pk, actor=actor, via=via
        )


@dataclass(frozen=True)
class RetentionResult:
    complaints: int = 0
    customers: int = 0
    ip_addresses: int = 0


def _closed_before(cutoff: datetime) -> Any:
    """Complaints whose ticket is closed, and was closed (its last closing move) before ``cutoff``."""
    closed_at = (
        TicketEvent.objects.filter(
            ticket_id=OuterRef("ticket__id"), kind=EventKind.STATUS, to_status__in=CLOSED_STATUSES
        )
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    return (
        Complaint.objects.filter(anonymised_at__isnull=True, ticket__status__in=CLOSED_STATUSES)
        .annotate(closed_at=Subquery(closed_at))
        .filter(closed_at__lt=cutoff)
    )


def retention_sweep(
    *, now: datetime | None = None, batch_size: int = BATCH_SIZE
) -> RetentionResult:
    """Anonymise what is past the retention periods: closed complaints, then people, then IPs.

    ``RETENTION_CLOSED_DAYS`` after a complaint closed (resolved or invalid),
    its personal data goes; once every complaint of a customer has gone,
    their name and contacts go too (a customer with a newer complaint, open
    or still within the period, keeps them). ``RETENTION_IP_DAYS`` after a
    complaint was filed its IP address goes. Each batch is its own
    transaction; what is done is marked, so a second run finds nothing.
    """
    now = now or timezone.now()
    amends = settings.AMENDS
    closed_cutoff = now - timedelta(days=amends["RETENTION_CLOSED_DAYS"])
    ip_cutoff = now - timedelta(days=amends["RETENTION_IP_DAYS"])
    complaints = customers = ips = 0

    due = _closed_before(closed_cutoff).order_by("pk")
    while batch := list(due.values_list("pk", flat=True)[:batch_size]):
        anonymised = complaints_anonymise(complaint_ids=batch, at=now)
        if not anonymised:  # another sweep took them meanwhile
            break
        complaints += anonymised

    # Everyone whose last complaint has gone: just now, or in a run that died half way.
    done = (
        Customer.objects.filter(erased_at__isnull=True, complaints__isnull=False)
        .exclude(complaints__anonymised_at__isnull=True)
        .distinct()
        .order_by("pk")
    )
    for customer in done.iterator(chunk_size=batch_size):
        with transaction.atomic():
            if customer_contact_erase(customer=customer, at=now):
                customers += 1
                action_record(
                    kind=PrivacyKind.RETENTION,
                    customer_id=customer.pk,
                    actor=None,
                    via=PrivacyVia.SWEEP,
                )

    stale_ips = Complaint.objects.filter(ip_address__isnull=False, submitted_at__lt=ip_cutoff)
    while batch_ids := list(stale_ips.order_by("pk").values_list("pk", flat=True)[:batch_size]):
        with transaction.atomic():
            ips += Complaint.objects.filter(pk__in=batch_ids).update(ip_address=None)
    return RetentionResult(complaints=complaints, customers=customers, ip_addresses=ips)
