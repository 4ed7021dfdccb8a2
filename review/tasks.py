"""The review's tasks: recounting its daily summary on the beat's schedule, and a day whose record changed."""

from datetime import date

from celery import shared_task

from review.daily.build import complaint_days_recount, summary_refresh


@shared_task(name="review.summary_refresh", soft_time_limit=1800, time_limit=1900)
def summary_refresh_task(days: int | None = None) -> int:
    """Recount the review's daily summary: the last ``days`` days, or all of history when None."""
    return summary_refresh(days=days)


@shared_task(name="review.complaint_days_recount", soft_time_limit=300, time_limit=330)
def complaint_days_recount_task(days: list[str]) -> int:
    """Recount the complaint rows of ``days`` (ISO dates): a complaint of theirs was re-categorised."""
    return complaint_days_recount([date.fromisoformat(day) for day in days])
