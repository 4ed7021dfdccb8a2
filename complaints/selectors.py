"""Reads for intake: finding the customer, spotting a repeat, and the agents' customer look-up."""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, QuerySet
from django.utils import timezone

from complaints.models import Complaint, Customer
from complaints.search import customers_matching
from shared.identifiers import normalize_reference
from shared.phones import maybe_e164


def customers_by_email(email: str) -> QuerySet[Customer]:
    """The customer this address is, in any case: one read of the unique lower(email) index.

    The one way a customer is found by email (intake, the queue's search, the
    unmatched mail). ``email__iexact`` compiles to ``UPPER(email) = UPPER(%s)``,
    which no index serves: every filing scanned all the customers. The index
    is partial (``email <> ''``), so its condition is repeated for PostgreSQL to use it.
    """
    return Customer.objects.filter(email__lower=email.lower()).exclude(email="")


def customer_find(*, email: str = "", phone: str = "") -> Customer | None:
    """The customer this email names (any case) or, failing that, this phone.

    A phone match counts only when no email was given or that customer has
    none: two people may share a household line, but an email names one person.
    """
    if email:
        customer = customers_by_email(email).first()
        if customer is not None:
            return customer
    e164 = maybe_e164(phone) if phone else None
    if e164:
        by_phone = Customer.objects.filter(phone=e164).order_by("pk").first()
        if by_phone and (not email or not by_phone.email):
            return by_phone
    return None


def same_text(text: str) -> str:
    """The text as compared for resubmissions: spacing and letter case do not count."""
    return " ".join(text.split()).casefold()


def complaint_resubmitted(
    *,
    customer: Customer | None,
    description: str,
    at: datetime | None = None,
    ip_address: str | None = None,
) -> Complaint | None:
    """The customer's first complaint with this text in the last DUPLICATE_WINDOW_SECONDS.

    Browser Back restores a sent form with a fresh one-time key, so the key
    cannot tell a resubmission from a new complaint; the person and their
    words can. The window keeps a real second complaint in the same words
    (the same fault again next week) from being swallowed. When the public
    files (``ip_address`` given, as for the form and anonymous API callers),
    only a complaint sent from that same address counts: the answer shows
    the first complaint's private tracking link, which must not go to
    somebody who merely knows the customer's email and words. Staff filings
    (no address) match whatever the first came by. Reads only this
    customer's latest complaints (``complaint_customer_idx``).
    """
    if customer is None or customer.pk is None:
        return None
    at = at or timezone.now()
    since = at - timedelta(seconds=settings.AMENDS["DUPLICATE_WINDOW_SECONDS"])
    wanted = same_text(description)
    recent = customer.complaints.filter(submitted_at__gte=since, submitted_at__lte=at)
    if ip_address:
        recent = recent.filter(ip_address=ip_address)
    for complaint in recent.order_by("submitted_at", "pk"):
        if same_text(complaint.description) == wanted:
            return complaint
    return None


def complaint_already_filed(
    *,
    idempotency_key: str | None,
    email: str = "",
    phone: str = "",
    description: str,
    ip_address: str | None = None,
) -> Complaint | None:
    """The complaint this submission repeats, by its one-time key or by its content.

    A cheap look before the rate limits, so that a repeat is answered with
    its complaint rather than counted or refused (``complaint_file``); ``complaint_submit`` asks
    again under the customer's row lock, which is what makes it safe.
    """
    if idempotency_key:
        complaint = Complaint.objects.filter(idempotency_key=idempotency_key).first()
        if complaint is not None:
            return complaint
    customer = customer_find(email=email, phone=phone)
    return complaint_resubmitted(customer=customer, description=description, ip_address=ip_address)


def customer_search(query: str, *, limit: int = 10) -> list[Customer]:
    """Customers matching an email, a phone number, a name or a complaint reference.

    Each kind of match reads its own index (the email's, the phone's, the
    name's trigrams through ``complaints.search``, the reference's) and the
    customers are the union of them: an OR across these columns could use none
    and read every customer.
    """
    query = (query or "").strip()
    if len(query) < 3:
        return []
    # Each a one-column query of customer ids, for a union.
    matches: list[QuerySet[Any, Any]] = [customers_matching(query=query).values("pk")]
    if "@" in query:
        matches.append(customers_by_email(query).values("pk"))
    phone = maybe_e164(query)
    if phone:
        matches.append(Customer.objects.filter(phone=phone).values("pk"))
    reference = normalize_reference(query)
    if reference:
        matches.append(Complaint.objects.filter(reference=reference).values("customer_id"))
    first, *others = [match.order_by() for match in matches]
    return list(
        Customer.objects.filter(pk__in=first.union(*others) if others else first)
        .annotate(
            complaint_count=Count("complaints", distinct=True),
            last_complaint_at=Max("complaints__submitted_at"),
        )
        .order_by("-last_complaint_at", "pk")[:limit]
    )


def customer_complaints(customer: Customer, *, exclude: Complaint | None = None) -> list[Complaint]:
    """The customer's complaints, newest first, for the agent who has them on the line."""
    qs = customer.complaints.select_related("ticket", "category").order_by("-submitted_at")
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return list(qs)
