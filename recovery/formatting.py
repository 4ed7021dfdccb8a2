"""How the callback promise reads to a customer: its moment and its time zone, in their words.

The confirmation page, the tracking page and the "complaint received" email all
state the same promise; they format it here so that they cannot drift apart.
"""

from datetime import datetime

from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import get_language, pgettext

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
