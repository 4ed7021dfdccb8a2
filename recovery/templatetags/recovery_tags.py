"""Words for the codes a ticket's timeline and ledger store (outcomes, kinds, changes)."""

from django import template
from django.utils.translation import gettext_lazy as _

from complaints.models import Channel
from complaints.uploads import format_size
from recovery import formatting
from recovery.choices import CallbackOutcome, CompensationKind, NpsClass, Priority, Status
from recovery.compensation import CODE_REQUIRED_KINDS
from recovery.models import Solved
from recovery.money import money_format
from recovery.workflow.moves import AWAITING_APPROVAL, ticket_stage
from shared.people import person_name

register = template.Library()

_CHANGES = {
    "proposed": _("proposed"),
    "recorded": _("recorded"),
    "approved": _("approved"),
    "fulfilled": _("handed over"),
    "declined": _("declined"),
}


def _label(choices, value):
    try:
        return choices(value).label
    except ValueError:
        return value


@register.filter
def outcome_label(value):
    return _label(CallbackOutcome, value)


@register.filter
def compensation_kind_label(value):
    return _label(CompensationKind, value)


@register.filter
def status_label(value):
    """A status in words; also a stage (``ticket_stage``), which adds "awaiting approval"."""
    if value == AWAITING_APPROVAL:
        return _("Awaiting approval")
    return _label(Status, value)


@register.filter
def takes_code(kind):
    """Whether a line of ``kind`` is handed over with a code and how to redeem it."""
    return kind in CODE_REQUIRED_KINDS


@register.filter
def stage(ticket):
    """What to call ``ticket`` on a page: ``recovery.workflow.moves.ticket_stage``."""
    return ticket_stage(ticket)


# For rows in bulk: get_FOO_display() rebuilds and hashes the field's whole
# choices list (casting every lazy label) on each call; an enum lookup does not.
@register.filter
def priority_label(value):
    return _label(Priority, value)


@register.filter
def channel_label(value):
    return _label(Channel, value)


@register.filter
def solved_label(value):
    """The follow-up survey's "was the problem solved" answer, in words."""
    return _label(Solved, value)


@register.filter
def nps_class_label(value):
    """Promoter, passive or detractor, for a stored ``recovery.survey.nps_class``."""
    return _label(NpsClass, value)


@register.filter
def ledger_change_label(value):
    return _CHANGES.get(value, value)


@register.filter
def person(user):
    """A user's name as colleagues know them; empty for nobody."""
    return person_name(user)


@register.filter
def promise_moment(value):
    """The callback promise's moment as a sentence states it: ``recovery.formatting``."""
    return formatting.promise_moment(value)


@register.filter
def zone_label(name):
    """ "Paris" for "Europe/Paris": ``recovery.formatting``."""
    return formatting.zone_label(name)


@register.filter
def money(amount, currency):
    """``{{ c.amount|money:c.currency }}``: "€12.50", "12,50 €" (``recovery.money``); "" for none."""
    return money_format(amount, currency)


@register.filter
def file_size(size):
    """A file size written as the form's help text writes it ("10 MB", "10 Mo")."""
    return format_size(size)
