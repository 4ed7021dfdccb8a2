"""Canned replies offered on a ticket, filled in for it: one function computes the text.

A manager's template (``recovery.models.CannedReply``) names what it needs in
braces; ``canned_reply_fill`` is the only place that replaces them, for the
ticket page's picker (data attributes read by ``static/js/amends.js``) and its
no-script fallback alike (the "use this reply" link reloads the form filled in).
Either way the agent gets the filled text in the box and edits it before
sending: nothing here sends anything.

Why no check at send time for a ``{placeholder}`` left in a text: the server
never hands out an unfilled one. A template with an unknown or malformed
placeholder is refused when saved (``canned_text_validate``), and one that got
in some other way (a shell, a fixture) is not offered (``canned_replies_offered``
skips it). Every known placeholder is always replaced, by an empty string when
the ticket has no value for it (no callback promise), which the agent sees in
the box. What remains in a sent text is what the agent typed, in their words,
braces included; refusing those would second-guess the agent, in three
services and the API, for a mistake the picker cannot make.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from string import Formatter

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone, translation

from recovery.formatting import promise_moment
from recovery.models import PLACEHOLDERS, CannedKind, CannedReply, Ticket, canned_text_validate
from shared.people import person_name


@dataclass(frozen=True)
class Offer:
    """A canned reply as the ticket page offers it: the template and its text, filled in."""

    reply: CannedReply
    text: str


def canned_values(*, ticket: Ticket, agent: AbstractUser | None) -> dict[str, str]:
    """What each placeholder stands for on ``ticket``, in its language and the customer's zone.

    The callback time is the promise as the customer was told it
    (``promise_moment``, in their time zone, like the "complaint received"
    email): the deadline while it runs, the promised moment once met.
    """
    complaint = ticket.complaint
    promise = ticket.callback_due_at or ticket.callback_promised_at
    with (
        translation.override(complaint.language),
        timezone.override(complaint.timezone or settings.TIME_ZONE),
    ):
        callback_time = promise_moment(promise) if promise else ""
    name = complaint.customer.name.split()
    values = {
        "first_name": name[0] if name else "",
        "reference": complaint.reference,
        "callback_time": callback_time,
        "agent_name": person_name(agent),
    }
    assert set(values) == set(PLACEHOLDERS)
    return values


def canned_text_fill(text: str, values: dict[str, str]) -> str:
    """``text`` with its placeholders replaced and its doubled braces made single.

    Raises ValidationError for a text ``canned_text_validate`` refuses; the
    parsing is done again here, piece by piece, rather than by ``str.format``,
    so that nothing but a bare known name is ever looked up.
    """
    canned_text_validate(text)
    return "".join(
        literal + (values[field] if field is not None else "")
        for literal, field, _spec, _conversion in Formatter().parse(text)
    )


def canned_reply_fill(*, reply: CannedReply, ticket: Ticket, agent: AbstractUser | None) -> str:
    """The text of ``reply`` filled in for ``ticket``, as ``agent`` would send it."""
    return canned_text_fill(reply.text, canned_values(ticket=ticket, agent=agent))


def canned_replies_offered(
    *, ticket: Ticket, agent: AbstractUser | None, kinds: Iterable[str] = CannedKind.values
) -> list[Offer]:
    """The active replies for ``ticket``'s language and category (or any), filled in.

    One query, whatever the library holds, so the ticket page's cost stays
    fixed. A stored text that no longer passes the placeholder check is left
    out rather than shown half-filled.
    """
    complaint = ticket.complaint
    # The category the ticket counts under: an agent's correction wins.
    category_id = ticket.category_id or complaint.category_id
    replies = CannedReply.objects.filter(
        Q(category__isnull=True) | Q(category_id=category_id),
        active=True,
        language=complaint.language,
        kind__in=list(kinds),
    )
    values = canned_values(ticket=ticket, agent=agent)
    offers = []
    for reply in replies:
        try:
            offers.append(Offer(reply=reply, text=canned_text_fill(reply.text, values)))
        except ValidationError:
            continue
    return offers


def canned_reply_save(*, reply: CannedReply, actor: AbstractUser) -> CannedReply:
    """Check and save a manager's template, recording who changed it last.

    Both the admin and the managers' page save through here; ``full_clean``
    runs the placeholder check even for a caller that built no form.
    """
    reply.updated_by = actor  # type: ignore[assignment]
    reply.full_clean()
    reply.save()
    return reply
