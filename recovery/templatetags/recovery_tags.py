"""Words for the codes a ticket's timeline and ledger store (outcomes, kinds, changes)."""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.translation import gettext_lazy as _

from recovery.choices import CallbackOutcome, CompensationKind, Priority, Status

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
    return _label(Status, value)


# For rows in bulk: get_FOO_display() rebuilds and hashes the field's whole
# choices list (casting every lazy label) on each call; an enum lookup does not.
@register.filter
def priority_label(value):
    return _label(Priority, value)


@register.filter
def channel_label(value):
    from complaints.models import Channel

    return _label(Channel, value)


@register.filter
def ledger_change_label(value):
    return _CHANGES.get(value, value)


@register.filter
def person(user):
    """A user's name as colleagues know them; empty for nobody."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


@register.filter
def amount(value):
    """A ledger amount kept as a string in an event's payload, as a Decimal the page localizes."""
    try:
        return Decimal(value)
    except (InvalidOperation, TypeError):
        return value


@register.filter
def due_phrase(due, now):
    """ "in 3 hours" or "overdue by 2 days": the largest unit only, one translation lookup.

    The queue shows fifty of these; Django's timesince/timeuntil do several
    plural lookups each, which was a third of the page's rendering time.
    """
    from django.utils.translation import ngettext

    seconds = (due - now).total_seconds()
    left = abs(seconds)
    if left < 3600:
        n = max(1, int(left // 60))
        amount = ngettext("%(n)d minute", "%(n)d minutes", n) % {"n": n}
    elif left < 2 * 86400:
        n = int(left // 3600)
        amount = ngettext("%(n)d hour", "%(n)d hours", n) % {"n": n}
    else:
        n = int(left // 86400)
        amount = ngettext("%(n)d day", "%(n)d days", n) % {"n": n}
    if seconds < 0:
        return _("overdue by %(time)s") % {"time": amount}
    return _("in %(time)s") % {"time": amount}
