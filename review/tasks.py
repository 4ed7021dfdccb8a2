"""The review's one task: recounting its daily summary, on the beat's schedule."""

from celery import shared_task

from review.daily.build import summary_refresh


@shared_task(name="review.summary_refresh", soft_time_limit=1800, time_limit=1900)
def summary_refresh_task(days: int | None = None) -> int:
    """Recount the review's daily summary: the last ``days`` days, or all of history when None."""
    return summary_refresh(days=days)
