"""Reads for intake: tracking pages and the agents' customer look-up."""

from django.db.models import Count, Max, Q
from django.http import Http404

from complaints.identifiers import TOKEN_RE, normalize_reference
from complaints.models import Complaint, Customer
from complaints.phones import maybe_e164
from recovery.models import TicketEvent


def complaint_for_tracking(token):
    """The complaint behind a live tracking token, or Http404 with no hint why."""
    from complaints.services import tracking_link_is_live

    if not token or not TOKEN_RE.match(token):
        raise Http404
    complaint = (
        Complaint.objects.select_related("ticket", "category", "customer")
        .filter(tracking_token=token)
        .first()
    )
    if complaint is None or not tracking_link_is_live(complaint):
        raise Http404
    return complaint


def customer_timeline(ticket):
    """The events a customer may see on their tracking page, oldest first."""
    return list(
        TicketEvent.objects.filter(ticket=ticket, customer_visible=True).order_by(
            "created_at", "pk"
        )
    )


def customer_find(*, email: str = "", phone: str = "") -> Customer | None:
    """The customer this email names (any case) or, failing that, this phone.

    A phone match counts only when no email was given or that customer has
    none: two people may share a household line, but an email names one person.
    """
    if email:
        customer = Customer.objects.filter(email__iexact=email).first()
        if customer is not None:
            return customer
    phone = maybe_e164(phone) if phone else None
    if phone:
        by_phone = Customer.objects.filter(phone=phone).order_by("pk").first()
        if by_phone and (not email or not by_phone.email):
            return by_phone
    return None


def customer_search(query, *, limit=10):
    """Customers matching an email, a phone number, a name or a complaint reference."""
    query = (query or "").strip()
    if len(query) < 3:
        return []
    condition = Q(email__iexact=query) | Q(name__icontains=query)
    if "@" in query:
        condition |= Q(email__icontains=query)
    phone = maybe_e164(query)
    if phone:
        condition |= Q(phone=phone)
    reference = normalize_reference(query)
    if reference:
        condition |= Q(complaints__reference=reference)
    return list(
        Customer.objects.filter(condition)
        .annotate(
            complaint_count=Count("complaints", distinct=True),
            last_complaint_at=Max("complaints__submitted_at"),
        )
        .order_by("-last_complaint_at", "pk")[:limit]
    )


def customer_complaints(customer, *, exclude=None):
    qs = customer.complaints.select_related("ticket", "category").order_by("-submitted_at")
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return list(qs)
