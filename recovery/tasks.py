"""Thin Celery tasks for the deadlines: they take ids and call ``recovery.deadlines``."""

from datetime import datetime

from celery import shared_task

from recovery.deadlines import deadlines_sweep, ticket_breach
from shared.tasks import publish


@shared_task(name="recovery.breach_if_due")
def breach_if_due(ticket_id: int) -> bool:
    """Breach one ticket if its deadline has passed; a no-op when it was met or already breached."""
    return ticket_breach(ticket_id=ticket_id)


def schedule_breach(ticket_id: int, due: datetime) -> None:
    """A short ETA task at ``due``; never further ahead than the sweep's look-ahead."""
    publish(breach_if_due, ticket_id, eta=due)


@shared_task(name="recovery.enforce_deadlines")
def enforce_deadlines() -> dict[str, int]:
    """The beat's every-minute sweep: breach what is due, schedule what is about to be."""
    return deadlines_sweep(schedule=schedule_breach)
