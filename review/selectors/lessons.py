"""What the complaints teach: which categories, remedies and root causes, against the periods before."""

from collections.abc import Sequence
from typing import Any

from django.db.models import Count, Q, QuerySet

from complaints.models import Complaint
from recovery.models import RootCause
from review.periods import Period
from review.remedies import remedy_bucket
from review.selectors.common import COMPLAINT_GROUPS, Row, between, complaint_groups


def complaint_mix(*, period: Period) -> list[Row]:
    """Complaints per (category, remedy bucket, root cause), in the period and in the one before it.

    One pass over the complaints of both periods; the three Paretos are sums
    of these rows. The category is the one the ticket counts under (the
    agent's correction wins: ``COMPLAINT_GROUPS``). Returns
    ``[{"category_id", "remedy", "root_cause_id", "current", "previous"}]``.
    """
    previous = period.previous()
    return complaint_groups(
        Complaint.objects.filter(between("submitted_at", previous.start, period.end))
        .annotate(remedy=remedy_bucket())
        .values("remedy", **COMPLAINT_GROUPS)
        .annotate(
            current=Count("pk", filter=Q(submitted_at__gte=period.start)),
            previous=Count("pk", filter=Q(submitted_at__lt=previous.end)),
        )
        .order_by()
    )


def root_cause_names() -> dict[int, tuple[str, str]]:
    """``{pk: (name_en, name_fr)}`` for every root cause, retired ones too: a handful of rows."""
    return {
        pk: (en, fr) for pk, en, fr in RootCause.objects.values_list("pk", "name_en", "name_fr")
    }


def root_cause_trend(*, buckets: Sequence[Period]) -> list[Row]:
    """Complaints per root cause (None: not recorded) in each of ``buckets``, oldest first.

    One pass over the complaints of all the buckets. Returns
    ``[{"root_cause_id", "counts": [n per bucket]}]``.
    """
    counts = {
        f"b{n}": Count("pk", filter=between("submitted_at", b.start, b.end))
        for n, b in enumerate(buckets)
    }
    # Any rows: the plugin cannot see the columns ``**counts`` adds.
    rows: QuerySet[Any, Any] = (
        Complaint.objects.filter(between("submitted_at", buckets[0].start, buckets[-1].end))
        .values(root_cause=COMPLAINT_GROUPS["root_cause"])
        .annotate(**counts)
        .order_by()
    )
    return [
        {"root_cause_id": row["root_cause"], "counts": [row[f"b{n}"] for n in range(len(buckets))]}
        for row in rows
    ]
