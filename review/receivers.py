"""What the review does when lower layers announce something (``privacy.signals``, ``recovery.signals``)."""

from typing import Any

from django.dispatch import receiver
from django.utils import timezone

from complaints.models import Complaint
from privacy.signals import complaints_anonymising
from recovery.choices import EventKind
from recovery.models import TicketEvent
from recovery.signals import events_recorded
from review.remedies import BUCKETS, NOT_STATED, OTHER, bucket_of, remedy_bucket
from review.tasks import complaint_days_recount_task
from shared.tasks import enqueue_on_commit

# Per bucket, a text of our own that sorts into it: an anonymised complaint
# keeps its bucket, so the lessons' remedy mix stays exact after an erasure.
REMEDY_PLACEHOLDERS = {key: f"[erased: {words[0]}]" for key, _label, _kind, words in BUCKETS} | {
    NOT_STATED: "",
    OTHER: "[erased]",
}
assert all(bucket_of(text) == key for key, text in REMEDY_PLACEHOLDERS.items())


@receiver(complaints_anonymising)
def remedy_buckets_keep(
    sender: Any, complaint_ids: list[int], **kwargs: Any
) -> dict[int, dict[str, str]]:
    """The placeholder for each complaint's remedy bucket, in place of the customer's words."""
    rows = (
        Complaint.objects.filter(pk__in=complaint_ids)
        .annotate(bucket=remedy_bucket())
        .values_list("pk", "bucket")
    )
    return {
        pk: {"remedy_sought": REMEDY_PLACEHOLDERS[bucket]}
        for pk, bucket in rows
        if bucket in REMEDY_PLACEHOLDERS
    }


# The events that move a complaint between the daily summary's rows.
RECORD_KINDS = (EventKind.CATEGORY, EventKind.ROOT_CAUSE)


@receiver(events_recorded, dispatch_uid="review.record_fixed")
def on_record_fixed(
    sender: Any, events: list[TicketEvent], batch: bool = False, **kwargs: Any
) -> None:
    """Recount, after commit, the summary's day of a complaint re-categorised or given a root cause.

    The day is the complaint's (a ticket opens at its submission): a month's
    Pareto read from the summary then counts it under its corrected category
    and its cause, however long ago it was filed.
    """
    days = {
        timezone.localdate(event.ticket.opened_at).isoformat()
        for event in events
        if event.kind in RECORD_KINDS
    }
    if days:
        enqueue_on_commit(complaint_days_recount_task, sorted(days))
