"""Recovery's models, one module per concern; import them from here."""

from recovery.models.canned import PLACEHOLDERS, CannedKind, CannedReply, canned_text_validate
from recovery.models.ledger import CURRENCY_RE, ApprovalLimit, Compensation, currency_validator
from recovery.models.record import RootCause, TicketMerge
from recovery.models.sla import Holiday, OpeningHours, SlaSettings, Weekday
from recovery.models.survey import Solved, Survey, SurveyOutcome
from recovery.models.tickets import CallbackAttempt, ImmutableQuerySet, Ticket, TicketEvent

__all__ = [
    "CURRENCY_RE",
    "ApprovalLimit",
    "CallbackAttempt",
    "CannedKind",
    "CannedReply",
    "Compensation",
    "Holiday",
    "ImmutableQuerySet",
    "OpeningHours",
    "PLACEHOLDERS",
    "RootCause",
    "SlaSettings",
    "Solved",
    "Survey",
    "SurveyOutcome",
    "Ticket",
    "TicketEvent",
    "TicketMerge",
    "Weekday",
    "canned_text_validate",
    "currency_validator",
]
