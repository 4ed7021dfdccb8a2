"""What the review does when lower layers announce something (``privacy.signals``)."""

from typing import Any

from django.dispatch import receiver

from complaints.models import Complaint
from privacy.signals import complaints_anonymising
from review.remedies import BUCKETS, NOT_STATED, OTHER, bucket_of, remedy_bucket

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
