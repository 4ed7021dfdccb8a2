"""What the complaints teach: which categories and which remedies, against the period before."""

from django.db.models import Count, Q

from complaints.models import Complaint
from review.periods import Period
from review.remedies import remedy_bucket
from review.selectors.common import Row, between


def complaint_mix(*, period: Period) -> list[Row]:
    """Complaints per (category, remedy bucket), in the period and in the one before it.

    One pass over the complaints of both periods; the two Paretos are sums of
    these rows. Returns ``[{"category_id", "remedy", "current", "previous"}]``.
    """
    previous = period.previous()
    return list(
        Complaint.objects.filter(between("submitted_at", previous.start, period.end))
        .annotate(remedy=remedy_bucket())
        .values("category_id", "remedy")
        .annotate(
            current=Count("pk", filter=Q(submitted_at__gte=period.start)),
            previous=Count("pk", filter=Q(submitted_at__lt=previous.end)),
        )
        .order_by()
    )
