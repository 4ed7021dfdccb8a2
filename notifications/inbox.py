"""Unmatched mail: the emails the intake kept for a person, and what agents do with them.

``notifications.inbound`` stores an email it could not take as a customer's
word with status "review" and a reason code; here an agent reads it and
either attaches it to a ticket, opens a complaint from it, or discards it as
spam. Each action claims the email with a conditional update on its status
(``filter(pk=…, status=REVIEW).update(…)``) inside the transaction that does
the work: two agents clicking at once, or one clicking twice, make one
message or one complaint, and the second is told it was already handled.
"""

import logging
from email.utils import parseaddr

from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import Category, Channel, Complaint
from complaints.selectors import customers_by_email
from complaints.services import complaint_file
from notifications import inbound
from notifications.models import InboundEmail, InboundStatus
from recovery.choices import EventKind
from recovery.models import Ticket, TicketEvent
from recovery.workflow import event_record, ticket_customer_message
from shared.identifiers import normalize_reference
from shared.outages import log_unavailable

logger = logging.getLogger(__name__)

# A new shape of the cached value gets a new key (see recovery.queue.COUNTS_KEY).
COUNT_KEY = "amends:inbox:unmatched:v1"
PER_PAGE = 25
PREVIEW_CHARS = 240

# The intake's review reasons (``notifications.inbound``), in words. A code
# the intake adds later and this table lacks is shown as the code itself.
REASONS = {
    inbound.UNKNOWN_REPLY_ADDRESS: _("Sent to a reply address we do not know"),
    inbound.STAFF_ALERT_REPLY: _("A reply to an alert sent to staff"),
    inbound.SENDER_NOT_CUSTOMER: _("The sender is not the complaint’s customer"),
    inbound.UNKNOWN_REFERENCE: _("The reference in the subject matches no complaint"),
    inbound.NOT_MATCHED: _("No reply address and no reference to match it by"),
    inbound.AUTOMATIC_REPLY: _("An automatic reply (out of office, mailing list)"),
    inbound.SPAM: _("Marked as spam by the email provider"),
    inbound.EMPTY: _("No text and no file we could keep"),
    inbound.BOUNCE: _("A bounce: one of our emails could not be delivered"),
    inbound.OWN_MAIL: _("Sent from one of our own addresses (a mail loop)"),
    inbound.RATE_LIMITED: _("Too many emails from this sender in a short time"),
    inbound.TOO_LARGE: _("Too large to read"),
    inbound.MALFORMED: _("A malformed email we could not read"),
    inbound.NO_SENDER: _("No sender address to answer"),
    inbound.TOO_SHORT: _("Too short to be a complaint"),
    inbound.NO_CATEGORY: _("No topic to file a complaint in"),
    inbound.REPEAT: _("Repeats a complaint the sender made moments ago"),
}


class AlreadyHandled(Exception):
    """Another action (another agent's, or this one's a moment ago) handled the email first."""


def reason_label(code: str) -> str:
    """The review reason in the reader's language; an unknown code as it is."""
    return str(REASONS.get(code, code))


def sender_address(inbound_email: InboundEmail) -> str:
    """The bare address of the From header, lower-cased ("" if there is none)."""
    return parseaddr(inbound_email.from_email)[1].lower()


def sender_name(inbound_email: InboundEmail) -> str:
    """The display name of the From header, or the address's local part."""
    name, address = parseaddr(inbound_email.from_email)
    return " ".join(name.split()) or address.partition("@")[0]


def inbound_text(inbound_email: InboundEmail) -> str:
    """What the sender wrote, without the history their mail client quoted below it."""
    return inbound.reply_text(inbound_email.text) or inbound_email.text.strip()


def unmatched_emails() -> QuerySet[InboundEmail]:
    """The emails waiting for review, newest first (the partial index ``inbound_review_idx``)."""
    return InboundEmail.objects.filter(status=InboundStatus.REVIEW).order_by("-received_at", "-pk")


def unmatched_page(*, number: str | int | None) -> Page[InboundEmail]:
    """One page of the unmatched mail: a count and a slice, whatever the number of emails."""
    rows = unmatched_emails().defer("to")
    return Paginator(rows, PER_PAGE).get_page(number)


def unmatched_count() -> int:
    """How many emails wait for review: one count on the partial index, cached a few seconds.

    Reused as long as the queue's counters (``QUEUE_COUNTS_SECONDS``), and
    forgotten whenever an agent handles one, so the tab counts down at once;
    a new email shows within those seconds.
    """
    ttl = settings.AMENDS["QUEUE_COUNTS_SECONDS"]
    try:
        count = cache.get(COUNT_KEY) if ttl else None
    except Exception as error:
        log_unavailable(logger, "Unmatched mail counter cache unavailable; counting live.", error)
        count = None
    if count is not None:
        return int(count)
    count = unmatched_emails().count()
    try:
        if ttl:
            cache.set(COUNT_KEY, count, timeout=ttl)
    except Exception as error:
        log_unavailable(logger, "Unmatched mail counter cache unavailable; not kept.", error)
    return count


def _count_forget() -> None:
    try:
        cache.delete(COUNT_KEY)
    except Exception as error:
        log_unavailable(logger, "Unmatched mail counter cache unavailable; not reset.", error)


def ticket_suggestions(inbound_email: InboundEmail) -> list[Ticket]:
    """Tickets this email may belong to: the one it was matched to, its subject's, its sender's."""
    references = [
        normalize_reference(found)
        for found in inbound.REFERENCE_IN_SUBJECT.findall(inbound_email.subject)
    ]
    email = sender_address(inbound_email)
    senders = customers_by_email(email).values("pk")
    wanted = Q(complaint__reference__in=[r for r in references if r])
    if inbound_email.ticket_id:
        wanted |= Q(pk=inbound_email.ticket_id)
    if email:
        wanted |= Q(complaint__customer__in=senders)
    tickets = Ticket.objects.select_related("complaint__customer").filter(wanted)
    return list(tickets.order_by("-pk")[:10])


def _claim(*, inbound_email: InboundEmail, status: str, agent: User, **columns: object) -> None:
    """Move the email out of review, or raise AlreadyHandled if somebody did first."""
    now = timezone.now()
    claimed = InboundEmail.objects.filter(pk=inbound_email.pk, status=InboundStatus.REVIEW).update(
        status=status, handled_by=agent, handled_at=now, **columns
    )
    if claimed != 1:
        raise AlreadyHandled
    inbound_email.status = status
    inbound_email.handled_by = agent
    inbound_email.handled_at = now
    for name, value in columns.items():
        setattr(inbound_email, name, value)


def _note(*, ticket: Ticket, agent: User, text: str, inbound_email: InboundEmail) -> TicketEvent:
    return event_record(
        ticket=ticket,
        kind=EventKind.NOTE,
        actor=agent,
        payload={"text": text, "inbound_email": inbound_email.pk},
    )


def inbound_attach(*, inbound_email: InboundEmail, reference: str, agent: User) -> Ticket:
    """Add the email to a ticket as the customer's message, as if it had matched.

    ``ticket_customer_message`` records it (source "email"), reopens a
    resolved ticket and alerts its agent; an internal note says who attached
    it. A review email keeps no files, only their names (the intake stores
    files on a complaint, and this one had none): the message names them.
    Raises ValidationError for a reference that names no ticket or an email
    with nothing in it, AlreadyHandled if it was handled meanwhile.
    """
    normalized = normalize_reference(reference)
    ticket = (
        Ticket.objects.select_related("complaint").filter(complaint__reference=normalized).first()
        if normalized
        else None
    )
    if ticket is None:
        raise ValidationError({"reference": _("No complaint has this reference.")})
    names = ", ".join(inbound_email.attachment_names)
    text = inbound_text(inbound_email)[: inbound.MAX_TEXT]
    if names:
        text = f"{text}\n\n[{names}]".strip()
    if not text:
        raise ValidationError(_("This email has no text to add to a ticket."))
    with transaction.atomic():
        _claim(
            inbound_email=inbound_email, status=InboundStatus.ATTACHED, agent=agent, ticket=ticket
        )
        ticket_customer_message(ticket=ticket, text=text, source="email")
        _note(
            ticket=ticket,
            agent=agent,
            inbound_email=inbound_email,
            text=str(_("Email from %(sender)s attached from the unmatched mail."))
            % {"sender": sender_address(inbound_email) or inbound_email.from_email},
        )
    _count_forget()
    return ticket


def inbound_complaint_open(
    *, inbound_email: InboundEmail, agent: User, category: Category, name: str, language: str
) -> Complaint:
    """File a complaint from the email, the sender as the customer, logged by the agent.

    It goes through ``complaint_file`` like a phone complaint (channel
    email), so its ticket opens with the callback promise and the
    complaint-received email goes to the sender by itself. Raises
    ValidationError with the intake's words (a name missing, a text too
    short), AlreadyHandled if the email was handled meanwhile.
    """
    with transaction.atomic():
        _claim(inbound_email=inbound_email, status=InboundStatus.OPENED, agent=agent)
        complaint, _created = complaint_file(
            name=name,
            email=sender_address(inbound_email),
            category=category,
            description=inbound_text(inbound_email),
            channel=Channel.EMAIL,
            consent_to_contact=True,  # they wrote to us and expect an answer by email
            language=language,
            logged_by=agent,
        )
        InboundEmail.objects.filter(pk=inbound_email.pk).update(
            complaint=complaint, ticket=complaint.ticket
        )
        inbound_email.complaint = complaint
    _count_forget()
    return complaint


def inbound_dismiss(*, inbound_email: InboundEmail, agent: User) -> InboundEmail:
    """Discard the email as spam: kept for the record, out of the review, on no ticket.

    When the intake had matched it to a ticket (an out-of-office reply, a
    reply to a staff alert), a note on that ticket says it was discarded.
    """
    with transaction.atomic():
        _claim(inbound_email=inbound_email, status=InboundStatus.DISMISSED, agent=agent)
        if inbound_email.ticket_id:
            _note(
                ticket=Ticket.objects.get(pk=inbound_email.ticket_id),
                agent=agent,
                inbound_email=inbound_email,
                text=str(_("Email from %(sender)s discarded as spam from the unmatched mail."))
                % {"sender": sender_address(inbound_email) or inbound_email.from_email},
            )
    _count_forget()
    return inbound_email
