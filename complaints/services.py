"""Writes for intake: the rules every intake shares, finding the customer, saving the complaint.

``complaint_file`` is the way in for the public form, the phone intake and the
API: it applies the intake's rules and their words (``complaints.rules``), answers a
repeat with the complaint it repeats, and holds the public to the rate
limits, in that order. The forms and the serializer only parse. The ticket
is recovery's: ``complaint_submit`` announces the complaint
(``complaints.signals.complaint_filed``) and recovery opens it.
"""

import logging
import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, User
from django.db import IntegrityError, transaction
from django.utils import timezone

from complaints import ratelimit
from complaints.models import Attachment, Category, Complaint, Customer
from complaints.rules import answers_check
from complaints.selectors import complaint_already_filed, complaint_resubmitted, customer_find
from complaints.signals import complaint_filed
from complaints.uploads import stored_name
from shared.identifiers import new_reference, new_tracking_token
from shared.phones import to_e164

logger = logging.getLogger(__name__)

# A reference clash (1 in ~650 billion a pair) or a racing double submission
# surfaces as an IntegrityError; we look again and, if need be, try once more.
CREATE_ATTEMPTS = 4


class IntakeRateLimited(Exception):
    """This address or this email filed too many complaints lately; nothing was filed.

    The form answers 429 with its page, the API 429 with its error body.
    """


class IdempotencyKeyReused(Exception):
    """An earlier complaint's idempotency key, sent with other answers; nothing was filed."""


def customer_find_or_create(
    *, name: str, email: str = "", phone: str = "", language: str = "en", timezone_name: str = ""
) -> Customer:
    """The customer ``customer_find`` names, brought up to date, or a new one.

    The phone is normalised here, whoever calls (forms, API, seed, imports), so
    no path can store a number that the searches would not find again; a
    number that cannot be read raises ValidationError.
    """
    email = (email or "").strip()
    phone = to_e164(phone) if (phone or "").strip() else ""
    customer = customer_find(email=email, phone=phone)
    if customer is None:
        return Customer.objects.create(
            name=name, email=email, phone=phone, language=language, timezone=timezone_name
        )
    changed = []
    if email and not customer.email:
        customer.email = email
        changed.append("email")
    if phone and not customer.phone:
        customer.phone = phone
        changed.append("phone")
    if language and customer.language != language:
        # The latest complaint's language is the one to write to them in.
        customer.language = language
        changed.append("language")
    if timezone_name and customer.timezone != timezone_name:
        customer.timezone = timezone_name
        changed.append("timezone")
    if changed:
        customer.save(update_fields=changed)
    return customer


# What every intake (public form, phone form, API) asks the customer, by the
# names its cleaned data uses, and complaint_file's names where they differ.
_INTAKE_FIELDS = (
    "name",
    "email",
    "phone",
    "category",
    "description",
    "remedy_sought",
    "order_reference",
)
_INTAKE_RENAMED = {"nps": "nps_at_intake", "consent": "consent_to_contact"}


def intake_answers(data: Mapping[str, Any]) -> dict[str, Any]:
    """The customer's answers in a form's (or serializer's) cleaned ``data``, as
    ``complaint_file`` arguments: one mapping, so the three intakes cannot drift apart.
    """
    return {
        **{name: data[name] for name in _INTAKE_FIELDS},
        **{name_in_submit: data[name] for name, name_in_submit in _INTAKE_RENAMED.items()},
    }


def complaint_file(
    *,
    name: str,
    email: str,
    category: Category,
    description: str,
    channel: str,
    consent_to_contact: bool,
    phone: str = "",
    remedy_sought: str = "",
    order_reference: str = "",
    nps_at_intake: int | None = None,
    language: str = "en",
    timezone_name: str = "",
    attachments: Iterable[tuple[Any, str]] = (),
    idempotency_key: str | None = None,
    idempotency_fingerprint: str = "",
    logged_by: AbstractBaseUser | None = None,
    ip_address: str | None = None,
    customer: Customer | None = None,
    channel_by_intake: bool = False,
) -> tuple[Complaint, bool]:
    """File a complaint as an intake does: check the answers, replay a repeat, limit, submit.

    The one place these rules live, for the public form, the phone intake,
    the API and the complaints address (``channel_by_intake``: the intake,
    not the filer, names the channel, so the public's "web only" rule on a
    channel they ask for does not apply). Without ``logged_by`` the customer files for themselves and the
    public form's rules apply (an email, consent, the web channel, the rate
    limits); a staff member who types it in needs only an email, a phone
    number or a known ``customer``. A refusal raises ValidationError keyed by
    the intake's field names (``consent`` for ``consent_to_contact``), which
    both the form and the API body use, with the words in ``complaints.rules``.

    A repeat (the same one-time key, or the same customer's same text moments
    ago) is answered with the complaint it repeats *before* the rate limits,
    which would otherwise count or refuse it: ``(complaint, False)``. The same
    key with other answers raises IdempotencyKeyReused; too many public
    filings, IntakeRateLimited. Otherwise ``complaint_submit`` files it.
    """
    name = " ".join(name.split())
    answers_check(
        name=name,
        email=email,
        phone=phone,
        description=description,
        consent_to_contact=consent_to_contact,
        channel=None if channel_by_intake else channel,
        public=logged_by is None,
        customer=customer,
    )
    if logged_by is None:
        existing = complaint_already_filed(
            idempotency_key=idempotency_key,
            email=email,
            phone=phone,
            description=description,
            ip_address=ip_address,
        )
        if existing is not None:
            _replay_check(existing, key=idempotency_key, fingerprint=idempotency_fingerprint)
            return existing, False
        # With a key, a retry is counted once; without one, every request counts.
        limiter_key = idempotency_key or uuid.uuid4().hex
        if ratelimit.intake_limited(ip=ip_address, email=email, key=limiter_key):
            raise IntakeRateLimited()
    complaint, created = complaint_submit(
        name=name,
        email=email,
        phone=phone,
        category=category,
        description=description,
        channel=channel,
        consent_to_contact=consent_to_contact,
        remedy_sought=remedy_sought,
        order_reference=order_reference,
        nps_at_intake=nps_at_intake,
        language=language,
        timezone_name=timezone_name,
        attachments=attachments,
        idempotency_key=idempotency_key,
        idempotency_fingerprint=idempotency_fingerprint,
        logged_by=logged_by,
        ip_address=ip_address,
        customer=customer,
    )
    if not created:  # a twin request won the race, or staff filed a repeat
        _replay_check(complaint, key=idempotency_key, fingerprint=idempotency_fingerprint)
    return complaint, created


def _replay_check(complaint: Complaint, *, key: str | None, fingerprint: str) -> None:
    """Refuse a key reused for other answers: the first complaint is not theirs to see."""
    if (
        key
        and complaint.idempotency_key == key
        and complaint.idempotency_fingerprint != fingerprint
    ):
        raise IdempotencyKeyReused()


def complaint_submit(
    *,
    name: str,
    email: str,
    category: Category,
    description: str,
    channel: str,
    consent_to_contact: bool,
    phone: str = "",
    remedy_sought: str = "",
    order_reference: str = "",
    nps_at_intake: int | None = None,
    language: str = "en",
    timezone_name: str = "",
    attachments: Iterable[tuple[Any, str]] = (),
    idempotency_key: str | None = None,
    idempotency_fingerprint: str = "",
    logged_by: AbstractBaseUser | None = None,
    ip_address: str | None = None,
    customer: Customer | None = None,
    submitted_at: datetime | None = None,
) -> tuple[Complaint, bool]:
    """Save a complaint and announce it (its ticket opens), in one transaction.

    The writer under ``complaint_file``, called directly only by trusted
    callers that apply no intake rule (the demo data, imports, tests).

    Returns ``(complaint, created)``. With an ``idempotency_key`` already used,
    returns the complaint that key made and ``created=False``: a refresh or a
    double click files one complaint; ``idempotency_fingerprint`` (the API's
    hash of the request) is stored with the key so that a reuse with another
    body can be told apart. ``attachments`` are pairs of an upload and its
    sniffed extension, already checked by the form. ``submitted_at`` is now,
    unless the complaint reached us earlier (an import, the demo data).

    A resubmission (``complaint_resubmitted``: the same customer's same text,
    moments ago, whatever the key: browser Back then Send) also returns the
    first complaint with ``created=False``, for every intake alike. The
    customer's row is locked first, so two racing resubmissions cannot both
    miss each other. Two racing first complaints of a phone-only newcomer
    still can (nothing unique names them before their row exists); with an
    email, the unique email makes the loser retry and find the winner's.
    """
    for attempt in range(CREATE_ATTEMPTS):
        if idempotency_key:
            existing = Complaint.objects.filter(idempotency_key=idempotency_key).first()
            if existing:
                return existing, False
        try:
            with transaction.atomic():
                complaint, created = _create(
                    customer=customer,
                    customer_fields={
                        "name": name,
                        "email": email,
                        "phone": phone,
                        "language": language,
                        "timezone_name": timezone_name,
                    },
                    complaint_fields={
                        "category": category,
                        "channel": channel,
                        "description": description,
                        "remedy_sought": remedy_sought,
                        "order_reference": order_reference,
                        "nps_at_intake": nps_at_intake,
                        "consent_to_contact": consent_to_contact,
                        "language": language,
                        "timezone": timezone_name,
                        "idempotency_key": idempotency_key or None,
                        "idempotency_fingerprint": idempotency_fingerprint,
                        "logged_by": logged_by,
                        "ip_address": ip_address,
                        "submitted_at": submitted_at,
                    },
                    attachments=attachments,
                )
            return complaint, created
        except IntegrityError:
            if attempt == CREATE_ATTEMPTS - 1:
                raise
            logger.info("Retrying complaint creation after a uniqueness clash.", exc_info=True)
    raise AssertionError("unreachable")


def _create(
    *,
    customer: Customer | None,
    customer_fields: dict[str, Any],
    complaint_fields: dict[str, Any],
    attachments: Iterable[tuple[Any, str]],
) -> tuple[Complaint, bool]:
    if customer is None:
        customer = customer_find_or_create(**customer_fields)
    # One filing at a time per customer, until commit: the look for a
    # resubmission below then sees any complaint a racing twin just filed.
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    # "Now" only once the lock is ours: a twin that held it filed before this
    # moment, so the window below cannot end just short of its complaint.
    complaint_fields = {
        **complaint_fields,
        "submitted_at": complaint_fields["submitted_at"] or timezone.now(),
    }
    earlier = complaint_resubmitted(
        customer=customer,
        description=complaint_fields["description"],
        at=complaint_fields["submitted_at"],
        ip_address=complaint_fields["ip_address"],
    )
    if earlier is not None:
        return earlier, False
    complaint = Complaint.objects.create(
        reference=new_reference(),
        tracking_token=new_tracking_token(),
        customer=customer,
        **complaint_fields,
    )
    attachments_store(complaint=complaint, files=attachments)
    # Recovery opens the ticket here, in this transaction (recovery.receivers).
    complaint_filed.send(
        sender=Complaint, complaint=complaint, logged_by=complaint_fields["logged_by"]
    )
    return complaint, True


def attachments_store(
    *,
    complaint: Complaint,
    files: Iterable[tuple[Any, str]],
    added_by: User | None = None,
) -> list[Attachment]:
    """Save files already checked (``complaints.uploads.uploads_check``) on ``complaint``.

    ``added_by`` is the agent who sent them with a message to the customer;
    the customer's own files (the form, the API, a reply) have none, and no
    ``added_at`` either: theirs came with the complaint or its message.
    Call it inside the transaction that records what the files came with, so
    a refusal after it leaves no row behind.
    """
    stored = []
    for upload, extension in files:
        attachment = Attachment(
            complaint=complaint,
            stored_name=stored_name(extension),
            original_name=(upload.name or "attachment")[:255],
            content_type=getattr(upload, "sniffed_type", "") or upload.content_type or "",
            size=upload.size,
            added_by=added_by,
            added_at=timezone.now() if added_by is not None else None,
        )
        attachment.file.save(attachment.stored_name, upload, save=False)
        attachment.save()
        stored.append(attachment)
    return stored
