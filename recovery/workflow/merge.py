"""Merging a duplicate complaint into another of the same customer, and undoing it.

A merge is not a move of the table (``recovery.workflow.moves.ALLOWED``): it
writes two tickets and a ``TicketMerge`` row, so it has its own writer here,
the only one that sets or leaves the ``merged`` status. The merged ticket
closes (status ``merged``) and gives up its deadlines, so the sweep neither
reminds nor breaches it; the survivor keeps its own callback promise and
deadlines as they were, and only its version moves (an agent on its page is
told to reload: another complaint's history joined it). The pages then show
both together (``recovery.merges``). Each side gets a MERGED event, and an
UNMERGED one on undo; neither owes an email (``notifications.owed`` writes
none for these kinds): the customer did not ask for it and loses nothing,
their old link leads to the survivor, whose history says what happened.

Merges are one hop, so every undo stands alone: a ticket already merged takes
no duplicate (the agent is told its survivor and picks it: following the chain
silently could join a ticket they never saw), and a ticket that has others
merged into it is not merged itself (moving those along would make one undo
depend on another). Both tickets are locked in id order, as the sweep locks
them, so two agents merging crosswise wait for each other instead of
deadlocking, and the state is checked again under the locks.
"""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from recovery.choices import PENDING_COMPENSATION_STATUSES, EventKind, Status
from recovery.errors import MergeRefused, StaleTicket
from recovery.merges import REVERSIBLE_FOR, merge_reversible_until, merges_standing
from recovery.models import Ticket, TicketEvent, TicketMerge
from recovery.workflow.columns import tickets_write
from recovery.workflow.moves import event_record
from shared.roles import Actor

# What a merged ticket gives up, and what an undo gives back: its deadlines
# (the reminders with them). The rest of its row (priority, assignee, the
# promise as first made, a breach already recorded) stays as it was.
MERGE_CLEARS = (
    "callback_due_at",
    "reminder_due_at",
    "follow_up_due_at",
    "reply_due_at",
    "reply_reminder_due_at",
)
# Columns read back into the caller's objects after the write.
_WRITTEN = ("status", "due_at", "updated_at", *MERGE_CLEARS)


def _locked(*pks: int) -> dict[int, Ticket]:
    # Id order, like every multi-row lock in recovery.workflow: no deadlock.
    rows = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("complaint")
        .filter(pk__in=pks)
        .order_by("pk")
    )
    return {ticket.pk: ticket for ticket in rows}


def _survivor_of(ticket: Ticket) -> str:
    merge = merges_standing().filter(merged=ticket).select_related("into__complaint").first()
    return merge.into.reference if merge else "?"


def ticket_merge_check(*, merged: Ticket, into: Ticket) -> None:
    """Raise MergeRefused if ``merged`` may not be merged into ``into`` as they stand.

    What ``ticket_merge`` checks again under the locks; the confirmation step
    asks it first, so that an agent is not asked to confirm a refusal.
    """
    if merged.pk == into.pk:
        raise MergeRefused(_("A complaint cannot be merged into itself."))
    _merge_check(merged, into)


def _merge_check(source: Ticket, target: Ticket) -> None:
    """Raise MergeRefused if ``source`` may not be merged into ``target`` (both locked)."""
    names = {"merged": source.reference, "into": target.reference}
    if source.complaint.customer_id != target.complaint.customer_id:
        raise MergeRefused(
            _(
                "%(into)s is another customer's complaint: only complaints of the same "
                "customer are merged."
            )
            % names
        )
    if source.status == Status.MERGED:
        raise MergeRefused(
            _("%(merged)s is already merged into %(survivor)s.")
            % {**names, "survivor": _survivor_of(source)}
        )
    if not source.is_open:
        raise MergeRefused(_("%(merged)s is closed: only an open complaint is merged.") % names)
    if target.status == Status.MERGED:
        raise MergeRefused(
            _("%(into)s is itself merged into %(survivor)s: merge into %(survivor)s instead.")
            % {**names, "survivor": _survivor_of(target)}
        )
    if not target.is_open:
        raise MergeRefused(
            _("%(into)s is closed (%(status)s): merge into an open complaint.")
            % {**names, "status": target.get_status_display()}
        )
    merged_in = list(
        merges_standing()
        .filter(into=source)
        .order_by("merged_at")
        .values_list("merged__complaint__reference", flat=True)
    )
    if merged_in:
        raise MergeRefused(
            _(
                "%(merged)s has %(others)s merged into it: merge %(into)s into %(merged)s "
                "instead, or undo those merges first."
            )
            % {**names, "others": ", ".join(merged_in)}
        )
    if source.compensations.filter(status__in=PENDING_COMPENSATION_STATUSES).exists():
        raise MergeRefused(
            _(
                "%(merged)s has a compensation waiting for approval or hand-over: "
                "settle or decline it before merging."
            )
            % names
        )


def _read_back(into: Ticket, written: Ticket) -> None:
    for name in _WRITTEN:
        setattr(into, name, getattr(written, name))
    into.version = written.version


def _bump(ticket: Ticket, columns: Mapping[str, Any], *, at: datetime) -> None:
    """Write ``columns`` to the locked ``ticket``, conditional on its version, and move it on."""
    row = Ticket.objects.filter(pk=ticket.pk, version=ticket.version)
    if tickets_write(row, columns, at=at, ticket=ticket) != 1:
        # Only where row locks do not exist (SQLite): another writer got there first.
        raise StaleTicket()
    ticket.version += 1


@transaction.atomic
def ticket_merge(
    *,
    merged: Ticket,
    into: Ticket,
    actor: Actor,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> TicketMerge:
    """Merge the duplicate ``merged`` into ``into``, another open complaint of the same customer.

    ``expected_version`` is the merged ticket's version the agent's page
    showed (default: the loaded one); the target is checked as it stands
    under the lock (the form lists it, it carries no version). Refused with
    MergeRefused (different customers, the same ticket, a chain, a closed
    side, a pending compensation) or StaleTicket; nothing changes then. What
    an undo needs to give back is kept: the status in the TicketMerge row,
    the deadlines in the merged ticket's MERGED event. The callers'
    ``merged`` and ``into`` are updated in place.
    """
    if merged.pk == into.pk:
        raise MergeRefused(_("A complaint cannot be merged into itself."))
    if expected_version is None:
        expected_version = merged.version
    now = now or timezone.now()
    locked = _locked(merged.pk, into.pk)
    source, target = locked[merged.pk], locked[into.pk]
    if source.version != expected_version:
        raise StaleTicket()
    _merge_check(source, target)
    status_before = source.status
    deadlines = {
        name: value.isoformat() if (value := getattr(source, name)) else None
        for name in MERGE_CLEARS
    }
    _bump(source, {"status": Status.MERGED, **dict.fromkeys(MERGE_CLEARS)}, at=now)
    _bump(target, {}, at=now)
    merge = TicketMerge.objects.create(
        merged=source,
        into=target,
        status_before=status_before,
        merged_by=actor if actor is not None and actor.is_authenticated else None,
        merged_at=now,
    )
    event_record(
        ticket=source,
        kind=EventKind.MERGED,
        actor=actor,
        from_status=status_before,
        to_status=Status.MERGED,
        payload={"merge": merge.pk, "into": target.reference, "deadlines": deadlines},
        at=now,
    )
    # Seen by the customer on the survivor's tracking page: why their other
    # reference's link now leads here.
    event_record(
        ticket=target,
        kind=EventKind.MERGED,
        actor=actor,
        customer_visible=True,
        payload={"merge": merge.pk, "merged": source.reference},
        at=now,
    )
    _read_back(merged, source)
    _read_back(into, target)
    return merge


def _restored(event: TicketEvent | None) -> dict[str, datetime | None]:
    saved = event.payload.get("deadlines", {}) if event else {}
    return {name: parse_datetime(saved[name]) if saved.get(name) else None for name in MERGE_CLEARS}


@transaction.atomic
def ticket_unmerge(*, merge: TicketMerge, actor: Actor, now: datetime | None = None) -> TicketMerge:
    """Undo ``merge`` within REVERSIBLE_FOR of it: the merged ticket is its own complaint again.

    What the undo gives back: the status the ticket had (``status_before``)
    and its deadlines exactly as they were (callback, reminder, follow-up,
    next reply). A deadline that passed during the merge comes back too, and
    the sweep acts on it at its next run (a broken promise is recorded as
    broken, an overdue ticket tops the queue): dropping it would leave a
    customer owed a call that nobody is reminded of. What happened on the
    survivor meanwhile stays on the survivor. Refused once undone, and from
    ``merged_at + REVERSIBLE_FOR`` on.
    """
    now = now or timezone.now()
    locked = _locked(merge.merged_id, merge.into_id)
    row = TicketMerge.objects.select_for_update().get(pk=merge.pk)
    if row.undone_at is not None:
        raise MergeRefused(
            _("This merge was already undone on %(date)s.")
            % {"date": date_format(timezone.localtime(row.undone_at), "DATETIME_FORMAT")}
        )
    if now >= merge_reversible_until(row):
        raise MergeRefused(
            _("A merge can be undone for %(days)d days; this one was made on %(date)s.")
            % {
                "days": REVERSIBLE_FOR.days,
                "date": date_format(timezone.localtime(row.merged_at), "DATETIME_FORMAT"),
            }
        )
    source, target = locked[row.merged_id], locked[row.into_id]
    if source.status != Status.MERGED:
        raise StaleTicket()
    saved = (
        TicketEvent.objects.filter(ticket=source, kind=EventKind.MERGED)
        .filter(Q(payload__merge=row.pk))
        .first()
    )
    deadlines = _restored(saved)
    _bump(source, {"status": row.status_before, **deadlines}, at=now)
    _bump(target, {}, at=now)
    undone_by = actor if actor is not None and actor.is_authenticated else None
    merges_standing().filter(pk=row.pk).update(undone_at=now, undone_by=undone_by)
    row.undone_at, row.undone_by = now, undone_by
    event_record(
        ticket=source,
        kind=EventKind.UNMERGED,
        actor=actor,
        from_status=Status.MERGED,
        to_status=row.status_before,
        payload={
            "merge": row.pk,
            "into": target.reference,
            "restored": {k: v.isoformat() if v else None for k, v in deadlines.items()},
        },
        at=now,
    )
    event_record(
        ticket=target,
        kind=EventKind.UNMERGED,
        actor=actor,
        customer_visible=True,
        payload={"merge": row.pk, "merged": source.reference},
        at=now,
    )
    merge.undone_at, merge.undone_by = row.undone_at, row.undone_by
    return row
