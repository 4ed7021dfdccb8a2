"""How moments read to people: the callback promise's moment and zone, and "in 3 hours".

The confirmation page, the tracking page and the "complaint received" email all
state the same promise; the queue and the staff emails say how far a deadline
is. They format it here so that they cannot drift apart, and so that an email
needs no template-tag module to say it.
"""

from datetime import datetime

from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import get_language, ngettext, pgettext
from django.utils.translation import gettext as _

# Languages that write weekday names in lower case inside a sentence. Django's
# French catalogue capitalises them ("Mercredi"), as for a calendar heading;
# "le mercredi 2 décembre" is how a French sentence reads.
_LOWER_CASE_WEEKDAYS = ("fr",)


def promise_moment(value: datetime) -> str:
    """``value`` as "Wednesday 2 December 2026, 16:30" in the active language and time zone."""
    if value is None:
        return ""
    text = date_format(
        timezone.localtime(value),
        pgettext("date format of the callback promise", "l j F Y, H:i"),
    )
    if (get_language() or "").split("-")[0] in _LOWER_CASE_WEEKDAYS:
        text = text[:1].lower() + text[1:]
    return text


def zone_label(name: str) -> str:
    """A time zone as people say it: "Europe/Paris" is "Paris", "America/New_York" "New York"."""
    if not name or "/" not in name:
        return name or ""
    return name.rsplit("/", 1)[1].replace("_", " ")


def due_phrase(due: datetime, now: datetime) -> str:
    """ "in 3 hours" or "overdue by 2 days": the largest unit only, one translation lookup.

    The queue shows fifty of these; Django's timesince/timeuntil do several
    plural lookups each, which was a third of the page's rendering time.
    """
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
