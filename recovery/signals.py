"""What recovery announces, for the apps built on it to act on without recovery knowing them.

``events_recorded`` is sent with every TicketEvent as it is written, inside the
transaction that writes it: ``events`` is the list just recorded (one for an
agent's step, a batch for the sweep), ``batch`` says which. A receiver's writes
commit with the event or not at all, and a receiver that raises rolls the step
back: notifications subscribes to write the outbox rows the events owe.

``sweep_finished`` is sent after each deadline sweep (``at``, ``seconds``):
the project records it, so that a clock that stopped (beat down, no worker)
is seen on ``/readyz`` and by the managers instead of breaching nothing, quietly.
"""

from collections.abc import Iterable

from django.dispatch import Signal

from recovery.models import TicketEvent

events_recorded = Signal()
sweep_finished = Signal()


def events_announce(events: Iterable[TicketEvent], *, batch: bool = False) -> list[TicketEvent]:
    """Tell the subscribers about ``events`` (already saved); returns ``events``."""
    events = list(events)
    if events:
        events_recorded.send(sender="recovery", events=events, batch=batch)
    return events
