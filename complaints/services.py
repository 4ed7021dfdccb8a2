"""Writes for intake: finding the customer, saving the complaint, opening its ticket."""

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from complaints.models import Attachment, Complaint, Customer
from complaints.selectors import complaint_resubmitted, customer_find
from complaints.uploads import stored_name
from notifications.services import notification_queue_complaint_received
from recovery.workflow import ticket_open
from shared.identifiers import new_reference, new_tracking_token
from shared.phones import to_e164

logger = logging.getLogger(__name__)

# A reference clash (1 in ~650 billion a pair) or a racing double submission
# surfaces as an IntegrityError; we look again and, if need be, try once more.
CREATE_ATTEMPTS = 4


def customer_find_or_create(*, name, email="", phone="", language="en", timezone_name=""):
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
# names its cleaned data uses, and complaint_submit's names where they differ.
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


def intake_answers(data):
    """The customer's answers in a form's (or serializer's) cleaned ``data``, as
    ``complaint_submit`` arguments: one mapping, so the three intakes cannot drift apart.
    """
    return {
        **{name: data[name] for name in _INTAKE_FIELDS},
        **{name_in_submit: data[name] for name, name_in_submit in _INTAKE_RENAMED.items()},
    }


def complaint_submit(
    *,
    name,
    email,
    category,
    description,
    channel,
    consent_to_contact,
    phone="",
    remedy_sought="",
    order_reference="",
    nps_at_intake=None,
    language="en",
    timezone_name="",
    attachments=(),
    idempotency_key=None,
    idempotency_fingerprint="",
    logged_by=None,
    ip_address=None,
    customer=None,
    submitted_at=None,
):
    """Save a complaint and open its recovery ticket, in one transaction.

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


def _create(*, customer, customer_fields, complaint_fields, attachments):
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
    for upload, extension in attachments:
        attachment = Attachment(
            complaint=complaint,
            stored_name=stored_name(extension),
            original_name=(upload.name or "")[:255],
            content_type=getattr(upload, "sniffed_type", "") or upload.content_type or "",
            size=upload.size,
        )
        attachment.file.save(attachment.stored_name, upload, save=False)
        attachment.save()
    ticket = ticket_open(complaint=complaint, actor=complaint_fields.get("logged_by"))
    if customer.email:
        notification_queue_complaint_received(ticket=ticket)
    return complaint, True


def tracking_link_is_live(complaint, *, now=None):
    days = settings.AMENDS["TRACKING_LINK_DAYS"]
    return (now or timezone.now()) < complaint.submitted_at + timezone.timedelta(days=days)
