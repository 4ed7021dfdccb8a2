"""Reads about merged duplicates: which tickets are shown together, and what the pages join.

A merge (``recovery.models.TicketMerge``, written by ``recovery.workflow.merge``)
joins a duplicate complaint to another of the same customer. While it stands
(``undone_at`` empty), the survivor's pages show the merged ticket's timeline,
messages, files and emails with its own, in time order, each marked with the
reference it came from; the merged reference, tracking link included, leads to
the survivor. Merges are one hop: nothing is merged into a merged ticket, and a
ticket with merges into it is not merged itself, so the tickets shown together
are the survivor and the tickets of its active merges, never more.

Every read here costs a fixed number of queries whatever the number of rows:
a subquery where a page already reads the rows (tracking), one query plus a
prefetch per list where it does not (the agents' ticket page).
"""

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from complaints.models import Attachment, Complaint
from recovery.models import Ticket, TicketEvent, TicketMerge

# How long a merge can be undone: until merged_at + REVERSIBLE_FOR, exclusive.
REVERSIBLE_FOR = timedelta(days=7)


def merges_standing() -> QuerySet[TicketMerge]:
    """Merges not undone: the ones that join tickets (``ticket_merge_into_idx``)."""
    return TicketMerge.objects.filter(undone_at__isnull=True)


def merge_reversible_until(merge: TicketMerge) -> datetime:
    """The moment from which ``merge`` can no longer be undone."""
    return merge.merged_at + REVERSIBLE_FOR


def merge_is_reversible(merge: TicketMerge, *, now: datetime | None = None) -> bool:
    """Whether ``merge`` stands and may still be undone at ``now``."""
    return merge.undone_at is None and (now or timezone.now()) < merge_reversible_until(merge)


def merged_ids(ticket: Ticket | OuterRef) -> QuerySet[TicketMerge, Any]:
    """The ids of the tickets merged into ``ticket`` (a subquery; no query of its own)."""
    return merges_standing().filter(into=ticket).values("merged_id")


def merged_into_reference() -> Subquery:
    """For a ticket query: the reference its standing merge leads to, or NULL (no query of its own)."""
    return Subquery(
        merges_standing().filter(merged=OuterRef("pk")).values("into__complaint__reference")[:1]
    )


def has_merges_in() -> Exists:
    """For a ticket query: whether a standing merge leads into it (no query of its own)."""
    return Exists(merges_standing().filter(into=OuterRef("pk")))


def merged_into_token() -> Subquery:
    """For a complaint query: the tracking token of the survivor its ticket is merged into, or NULL."""
    return Subquery(
        merges_standing()
        .filter(merged__complaint=OuterRef("pk"))
        .values("into__complaint__tracking_token")[:1]
    )


def merge_survivor_id(ticket: Ticket) -> int | None:
    """The id of the ticket ``ticket`` is merged into, or None (one query)."""
    return merges_standing().filter(merged=ticket).values_list("into_id", flat=True).first()


def merges_into(ticket: Ticket) -> list[TicketMerge]:
    """The standing merges into ``ticket``, each with its ticket's timeline, emails and files.

    Four queries (the merges, then a prefetch per list) whatever the number
    of merged tickets or of their rows, and none for a ticket read with
    ``has_merges_in`` false (most of them): what the agents' ticket page joins
    to the survivor's own, which it read with the ticket.
    """
    if getattr(ticket, "has_merges_in", True) is False:
        return []
    return list(
        merges_standing()
        .filter(into=ticket)
        .select_related("merged__complaint", "merged_by")
        .prefetch_related(
            Prefetch("merged__events", queryset=TicketEvent.objects.select_related("actor")),
            "merged__notifications",
            "merged__complaint__attachments",
        )
        .order_by("merged_at", "pk")
    )


def _time_order(item: Any) -> tuple[datetime, int, int]:
    return (item.created_at, item.ticket_id != item.joined_into, item.pk)


def joined_events(ticket: Ticket, merges: Iterable[TicketMerge]) -> list[TicketEvent]:
    """``ticket``'s events and those of the tickets merged into it, in time order.

    Each event says where it came from: ``origin`` is the merged ticket's
    reference ("" for the survivor's own). Reads the prefetched lists only.
    """
    events = []
    for source, origin in [(ticket, ""), *((m.merged, m.merged.reference) for m in merges)]:
        for event in source.events.all():
            event.origin, event.joined_into = origin, ticket.pk  # type: ignore[attr-defined]
            events.append(event)
    return sorted(events, key=_time_order)


def joined_emails(ticket: Ticket, merges: Iterable[TicketMerge]) -> list[Any]:
    """The emails (outbox rows) of ``ticket`` and of the tickets merged into it, each with ``origin``."""
    emails = []
    for source, origin in [(ticket, ""), *((m.merged, m.merged.reference) for m in merges)]:
        for email in source.notifications.all():
            email.origin = origin  # type: ignore[attr-defined]
            emails.append(email)
    return emails


def joined_attachments(complaint: Complaint, merges: Iterable[TicketMerge]) -> list[Attachment]:
    """The files of ``complaint`` and of the complaints merged into its ticket, each with ``origin``."""
    files = []
    for source, origin in [
        (complaint, ""),
        *((m.merged.complaint, m.merged.reference) for m in merges),
    ]:
        for attachment in source.attachments.all():
            attachment.origin = origin  # type: ignore[attr-defined]
            files.append(attachment)
    return files


def shown_together(ticket: Ticket) -> Q:
    """A filter on ``ticket_id``: the survivor and the tickets merged into it (a subquery)."""
    return Q(ticket=ticket) | Q(ticket__in=merged_ids(ticket))


def customer_events_joined(ticket: Ticket) -> list[TicketEvent]:
    """The customer-visible events of ``ticket`` and of those merged into it, oldest first.

    One query; each event's ``origin`` is the reference of the merged
    complaint it came from ("" for the ticket's own), for the tracking page.
    """
    events: list[TicketEvent] = list(
        TicketEvent.objects.filter(shown_together(ticket), customer_visible=True)
        .annotate(origin_reference=F("ticket__complaint__reference"))
        .order_by("created_at", "pk")
    )
    for event in events:
        origin = "" if event.ticket_id == ticket.pk else event.origin_reference  # type: ignore[attr-defined]
        event.origin = origin  # type: ignore[attr-defined]
    return events


def attachments_joined(complaint: Complaint) -> QuerySet[Attachment]:
    """The files of ``complaint`` and of the complaints merged into its ticket (one query to list).

    Annotated with ``origin_reference`` (the complaint each came from); the
    tracking page lists them and serves each to the survivor's link holder.
    """
    ticket = getattr(complaint, "ticket", None)
    joined = Q(complaint=complaint)
    if ticket is not None:
        joined |= Q(complaint__ticket__in=merged_ids(ticket))
    return (
        Attachment.objects.filter(joined)
        .annotate(origin_reference=F("complaint__reference"))
        .order_by("complaint__submitted_at", "pk")
    )


def merge_targets(ticket: Ticket, complaints: Iterable[Complaint]) -> list[Complaint]:
    """Of the customer's other ``complaints`` (read already), those ``ticket`` may be merged into.

    Open ones only: a closed or merged complaint takes no duplicate. No query:
    the page has the customer's complaints with their tickets.
    """
    return [
        c
        for c in complaints
        if getattr(c, "ticket", None) is not None and c.ticket.is_open and c.ticket.pk != ticket.pk
    ]


def merge_panel(
    *, ticket: Ticket, merges: list[TicketMerge], complaints: Iterable[Complaint]
) -> dict[str, Any]:
    """What the ticket page's merge card shows (``templates/recovery/_merge.html``); no query.

    ``merges``: those into ``ticket`` (``merges_into``), each with the moment
    it stops being reversible and whether it still is; their files, by the
    reference they came with; and the complaints ``ticket`` may be merged
    into: none while others are merged into it (merges are one hop).
    """
    now = timezone.now()
    return {
        "merges_in": [
            {
                "merge": merge,
                "until": merge_reversible_until(merge),
                "reversible": merge_is_reversible(merge, now=now),
                "files": list(merge.merged.complaint.attachments.all()),
            }
            for merge in merges
        ],
        "merge_targets": [] if merges or not ticket.is_open else merge_targets(ticket, complaints),
    }
