"""A follow-up round's survey: the one still waiting closes when a new round starts.

Kept apart from ``recovery.survey`` (the answer and what it does, which
resolves through ``recovery.services``) because starting a round is itself a
step in ``recovery.services``.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from recovery.choices import EventKind
from recovery.models import Survey, SurveyOutcome, Ticket
from recovery.workflow import event_record


@transaction.atomic
def surveys_replace_waiting(*, ticket: Ticket, at: datetime | None = None) -> list[int]:
    """Close the ticket's survey still waiting, as a new follow-up round starts; returns their ids.

    A ticket has at most one survey waiting: a new round (after a further
    gesture, or a reopening) closes the previous link as unanswered, so the
    sweep never resolves a ticket on an old round's window, and the new
    round's survey goes out at its own due time (``surveys_send_due``).
    """
    at = at or timezone.now()
    replaced = list(
        Survey.objects.select_for_update()
        .filter(ticket=ticket, outcome=SurveyOutcome.WAITING)
        .values_list("pk", flat=True)
    )
    if replaced:
        Survey.objects.filter(pk__in=replaced).update(outcome=SurveyOutcome.NO_ANSWER)
        for pk in replaced:
            event_record(
                ticket=ticket,
                kind=EventKind.SURVEY_EXPIRED,
                payload={"survey": pk, "replaced": True},
                at=at,
            )
    return replaced
