"""Thin Celery tasks: deadlines (take ids, call recovery.deadlines) and the review's daily summary."""

from celery import shared_task

from config.celery import publish
from recovery.deadlines import deadlines_sweep, ticket_breach
from recovery.review.daily.build import summary_refresh


@shared_task(name="recovery.breach_if_due")
def breach_if_due(ticket_id):
    """Breach one ticket if its deadline has passed; a no-op when it was met or already breached."""
    return ticket_breach(ticket_id=ticket_id)


def schedule_breach(ticket_id, due):
    """A short ETA task at ``due``; never further ahead than the sweep's look-ahead."""
    publish(breach_if_due, ticket_id, eta=due)


@shared_task(name="recovery.enforce_deadlines")
def enforce_deadlines():
    """The beat's every-minute sweep: breach what is due, schedule what is about to be."""
    return deadlines_sweep(schedule=schedule_breach)


@shared_task(name="recovery.summary_refresh", soft_time_limit=1800, time_limit=1900)
def summary_refresh_task(days=None):
    """Recount the review's daily summary: the last ``days`` days, or all of history when None."""
    return summary_refresh(days=days)
