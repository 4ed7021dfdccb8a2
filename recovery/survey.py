"""The follow-up survey: sent when the follow-up falls due, answered once, and what the answer does.

Starting the follow-up (``recovery.services.ticket_start_follow_up``) sets
when to ask; the deadline sweep sends the survey then, with its own link
(``recovery.workflow.bulk.surveys_send_due``), and the follow-up email that
carries ``survey_url``: the customer is asked once the remedy has had time
to arrive, as the agent's page says ("in a few days"). The
customer answers once, on a page that needs no login. A happy answer resolves
the ticket; an unhappy one (a detractor, or "not solved") sends it back for a
second attempt and alerts the managers: a recovery that failed is the most
expensive kind of complaint, and the one most worth a second try. A survey
nobody answers within its window is closed by the deadline sweep
(``recovery.workflow.bulk.surveys_close_unanswered``), which resolves the
ticket with "no answer" recorded. The ticket's columns are written through
``recovery.workflow`` only.
"""

from datetime import datetime
from typing import cast, overload

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from recovery.choices import OPEN_STATUSES, EventKind, NpsClass, Status
from recovery.models import Solved, Survey, SurveyOutcome, Ticket, TicketEvent
from recovery.services import ticket_resolve
from recovery.sla import second_attempt_columns
from recovery.workflow import event_record, transition
from shared.identifiers import TOKEN_RE

COMMENT_MAX_LENGTH = 5000

# One wording for the page's form and for this module's own check.
CSAT_ERROR = _("Choose how satisfied you are, from 1 to 5.")
NPS_ERROR = _("Choose how likely you are to recommend us, from 0 to 10.")
SOLVED_ERROR = _("Tell us whether your problem is solved.")
COMMENT_ERROR = _("Keep your comment under 5,000 characters.")


class SurveyClosed(Exception):
    """The survey takes no answer: ``reason`` is "answered" or "expired". Nothing changed."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


@overload
def nps_class(score: int) -> NpsClass: ...
@overload
def nps_class(score: None) -> None: ...
def nps_class(score: int | None) -> NpsClass | None:
    """Promoter (9–10), passive (7–8) or detractor (0–6); None for no score."""
    if score is None:
        return None
    if not 0 <= score <= 10:
        raise ValueError(f"An NPS score is 0 to 10, not {score!r}.")
    if score >= 9:
        return NpsClass.PROMOTER
    if score >= 7:
        return NpsClass.PASSIVE
    return NpsClass.DETRACTOR


def answer_is_unhappy(*, nps: int | None, solved: str) -> bool:
    """A detractor, or a problem not solved: the recovery failed, whatever the other scores say.

    "Partly" solved from a promoter or a passive is not a failure: the customer
    is won back even if the fault is not wholly put right.
    """
    return nps_class(nps) == NpsClass.DETRACTOR or solved == Solved.NO


def survey_url(survey: Survey) -> str:
    """The survey's page, for the follow-up email."""
    return settings.SITE_URL + reverse("survey:answer", args=[survey.token])


def latest_survey(ticket: Ticket) -> Survey | None:
    """The ticket's most recent survey (the one the latest follow-up email links to), or None."""
    return ticket.surveys.order_by("-sent_at", "-pk").first()


def survey_for_token(token: str | None) -> Survey:
    """The survey behind ``token``, or Http404 with no hint why (as the tracking page)."""
    if not token or not TOKEN_RE.match(token):
        raise Http404
    survey = Survey.objects.select_related("ticket__complaint").filter(token=token).first()
    if survey is None:
        raise Http404
    return survey


def survey_state(survey: Survey, now: datetime | None = None) -> str:
    """ "open", "answered" or "expired" (past its window, or closed unanswered)."""
    if survey.is_answered:
        return "answered"
    if survey.outcome != SurveyOutcome.WAITING or survey.is_expired(now):
        return "expired"
    return "open"


def _score_ok(value: object, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _answer_check(*, csat: object, nps: object, solved: object, comment: str) -> None:
    errors: dict[str, Promise] = {}
    if not _score_ok(csat, 1, 5):
        errors["csat"] = CSAT_ERROR
    if not _score_ok(nps, 0, 10):
        errors["nps"] = NPS_ERROR
    if solved not in Solved.values:
        errors["solved"] = SOLVED_ERROR
    if len(comment) > COMMENT_MAX_LENGTH:
        errors["comment"] = COMMENT_ERROR
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def survey_answer(
    *,
    survey: Survey,
    csat: int,
    nps: int,
    solved: str,
    comment: str = "",
    now: datetime | None = None,
) -> TicketEvent:
    """Record the customer's one answer and act on it; returns the SURVEY_ANSWERED event.

    Raises ValidationError (keyed by field) for an answer out of range and
    SurveyClosed when the survey is answered or expired; either way nothing
    changes. The ticket row is locked, then the survey's: of two answers sent
    at once the second waits and finds the survey answered. The customer
    cannot be told to reload, so their answer waits for an agent's write in
    progress rather than losing to it. The scores stay internal (the event
    is not shown to the customer); the comment is for the agents.
    """
    now = now or timezone.now()
    comment = (comment or "").strip()
    _answer_check(csat=csat, nps=nps, solved=solved, comment=comment)
    ticket = Ticket.objects.select_for_update().get(pk=survey.ticket_id)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    state = survey_state(survey, now)
    if state != "open":
        raise SurveyClosed(state)
    unhappy = answer_is_unhappy(nps=nps, solved=solved)
    survey.csat, survey.nps, survey.solved, survey.comment = csat, nps, solved, comment
    survey.answered_at = now
    survey.outcome = SurveyOutcome.REOPENED if unhappy else SurveyOutcome.RESOLVED
    survey.save(update_fields=["csat", "nps", "solved", "comment", "answered_at", "outcome"])
    event = event_record(
        ticket=ticket,
        kind=EventKind.SURVEY_ANSWERED,
        payload={
            "survey": survey.pk,
            "csat": csat,
            "nps": nps,
            "nps_class": nps_class(nps),
            "solved": solved,
            "comment": comment,
            "unhappy": unhappy,
        },
        at=now,
    )
    if unhappy:
        # The answer's event alerts the managers (notifications.owed).
        _second_attempt(ticket=ticket, survey=survey, at=now)
    elif ticket.status == Status.FOLLOW_UP:
        ticket_resolve(ticket=ticket, actor=None, extra={"survey": survey.pk})
    return event


def _second_attempt(*, ticket: Ticket, survey: Survey, at: datetime) -> TicketEvent | None:
    """Send the ticket back to acknowledged, marked as a second attempt owing a new callback.

    From follow-up, or from resolved when an agent closed it before the
    answer came. A ticket already back in the agents' hands (reopened by a
    message, a further gesture under way) only gets the mark and the
    callback; a ticket closed as invalid stays as it is. The callback is the
    priority's window counted from the answer (``recovery.sla``), reminded and
    breached by the sweep like the first; the event tells the assignee, or
    every agent while nobody has it (``notifications.owed``).
    """
    changes = {
        "second_attempt_at": at,
        **second_attempt_columns(answered_at=at, priority=ticket.priority),
    }
    payload = {
        "survey": survey.pk,
        "second_attempt": True,
        # A second attempt always owes a callback: the deadline is a datetime.
        "callback_due_at": cast(datetime, changes["callback_due_at"]).isoformat(),
    }
    if ticket.status in (Status.FOLLOW_UP, Status.RESOLVED):
        event = transition(
            ticket=ticket,
            actor=None,
            to_status=Status.ACKNOWLEDGED,
            changes={**changes, "follow_up_due_at": None, "resolved_at": None},
            payload=payload,
            customer_visible=True,
            at=at,
        )
    elif ticket.status in OPEN_STATUSES:
        event = transition(ticket=ticket, actor=None, changes=changes, payload=payload, at=at)
    else:
        return None
    return event
