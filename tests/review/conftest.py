"""A small, hand-built history for the managers' review, and the right answers about it.

The period under review is March 2026 (Europe/Paris), looked at on 10 April.
Each ticket is inserted as years of agents' work would have left it: the
callback promise the SLA's, as ``ticket_open`` makes it (48 h standard, 24 h
high), and its later moments written with the row (``ticketed_complaint(ticket=...)``;
only ``recovery.workflow`` writes a ticket after that). The comments give
each ticket's story; the tests spell out what follows from them.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from complaints.models import Channel
from recovery.choices import CompensationKind, CompensationStatus, EventKind, Priority, Status
from recovery.models import Compensation, Survey
from recovery.workflow import event_record
from review.periods import month_of
from tests.factories import AgentFactory, CategoryFactory, ticketed_complaint

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 4, 10, 12, 0, tzinfo=PARIS)
MARCH = month_of(NOW.date().replace(month=3))


def at(month, day, hour=12, minute=0, second=0):
    return datetime(2026, month, day, hour, minute, second, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class History:
    ana: object
    ben: object
    delivery: object  # category A, standard priority
    billing: object  # category B, high priority
    tickets: dict


def _open(
    *,
    submitted_at,
    category,
    channel=Channel.WEB,
    nps=None,
    remedy="",
    breached_at=None,
    escalated=False,
    **columns,
):
    """A ticket with ``columns`` set; ``breached_at`` as the sweep's breach leaves it, event and all."""
    if breached_at is not None:
        columns |= {
            "breached_at": breached_at,
            "priority": Priority.HIGH,
            "escalated_at": breached_at if escalated else None,
        }
    complaint = ticketed_complaint(
        submitted_at=submitted_at,
        category=category,
        channel=channel,
        nps_at_intake=nps,
        remedy_sought=remedy,
        ticket=columns or None,
    )
    ticket = complaint.ticket
    if breached_at is not None:
        was = ticket.events.get(kind=EventKind.OPENED).payload["priority"]
        event_record(
            ticket=ticket, kind=EventKind.BREACHED, payload={"priority_was": was}, at=breached_at
        )
    return ticket


def _status(ticket, from_status, to_status, at_):
    event_record(
        ticket=ticket, kind=EventKind.STATUS, from_status=from_status, to_status=to_status, at=at_
    )


def _given(ticket, kind, amount, currency, fulfilled_at, status=CompensationStatus.FULFILLED):
    return Compensation.objects.create(
        ticket=ticket,
        kind=kind,
        amount=Decimal(amount) if amount else None,
        currency=currency,
        status=status,
        reason="Nothing owed." if kind == CompensationKind.NONE else "",
        proposed_at=fulfilled_at - timedelta(days=1),
        fulfilled_at=fulfilled_at if status == CompensationStatus.FULFILLED else None,
    )


def _answer(ticket, *, answered_at, csat=None, nps=None):
    return Survey.objects.create(
        ticket=ticket,
        sent_at=answered_at - timedelta(days=2),
        expires_at=answered_at + timedelta(days=20),
        answered_at=answered_at,
        csat=csat,
        nps=nps,
    )


@pytest.fixture
def history(db):
    ana = AgentFactory(username="ana", first_name="Ana", last_name="Lopez")
    ben = AgentFactory(username="ben", first_name="Ben", last_name="Okafor")
    delivery = CategoryFactory(name_en="Delivery", name_fr="Livraison")
    billing = CategoryFactory(
        name_en="Billing", name_fr="Facturation", default_priority=Priority.HIGH
    )
    t = {}

    # T1: Ana calls after 2 h, resolves on 10 March; a detractor (3) turned promoter (9).
    t[1] = _open(
        submitted_at=at(3, 2, 10),
        category=delivery,
        nps=3,
        remedy="A full refund please",
        status=Status.RESOLVED,
        assignee=ana,
        acknowledged_at=at(3, 2, 12),
        resolved_at=at(3, 10, 10),
    )
    _status(t[1], Status.FOLLOW_UP, Status.RESOLVED, at(3, 10, 10))
    _answer(t[1], answered_at=at(3, 12), csat=5, nps=9)
    _given(t[1], CompensationKind.REFUND, "20", "EUR", at(3, 5))

    # T2: called 6 h after the promise (breached, 54 h after the complaint); stays a detractor.
    t[2] = _open(
        submitted_at=at(3, 5, 9),
        category=delivery,
        channel=Channel.PHONE,
        nps=5,
        remedy="Un bon d'achat",
        breached_at=at(3, 7, 9, 0, 30),
        status=Status.RESOLVED,
        assignee=ben,
        acknowledged_at=at(3, 7, 15),
        resolved_at=at(3, 20, 9),
    )
    _status(t[2], Status.FOLLOW_UP, Status.RESOLVED, at(3, 20, 9))
    _answer(t[2], answered_at=at(3, 22), csat=2, nps=4)
    _given(t[2], CompensationKind.VOUCHER, "30", "EUR", at(3, 15))
    _given(
        t[2], CompensationKind.REFUND, "99", "EUR", at(3, 16), status=CompensationStatus.DECLINED
    )

    # T3: high priority, nobody had it, nobody ever called: breached on 11 March.
    t[3] = _open(
        submitted_at=at(3, 10, 8),
        category=billing,
        channel=Channel.EMAIL,
        nps=9,
        breached_at=at(3, 11, 8, 0, 30),
        escalated=True,
    )

    # T4: called after 1 h, resolved on 18 March, reopened on the 19th, resolved again on the 25th.
    t[4] = _open(
        submitted_at=at(3, 15),
        category=billing,
        nps=6,
        remedy="Remboursement",
        status=Status.RESOLVED,
        assignee=ana,
        acknowledged_at=at(3, 15, 13),
        resolved_at=at(3, 25),
    )
    _status(t[4], Status.FOLLOW_UP, Status.RESOLVED, at(3, 18))
    _status(t[4], Status.RESOLVED, Status.ACKNOWLEDGED, at(3, 19))
    # ... and the customer's message of the 19th went unanswered past its 24 h reply window.
    event_record(
        ticket=t[4],
        kind=EventKind.REPLY_BREACHED,
        payload={
            "due_at": at(3, 20, 9).isoformat(),
            "priority": Priority.HIGH,
            "escalated": False,
            "late_seconds": 0.0,
        },
        at=at(3, 20, 9),
    )
    _status(t[4], Status.FOLLOW_UP, Status.RESOLVED, at(3, 25))
    _answer(t[4], answered_at=at(3, 26), csat=4, nps=8)
    _given(t[4], CompensationKind.REFUND, "10", "GBP", at(3, 20))

    # T5: a February complaint whose promise (2 March) was kept on 1 March; resolved 4 March.
    t[5] = _open(
        submitted_at=at(2, 28),
        category=delivery,
        remedy="A replacement",
        status=Status.RESOLVED,
        assignee=ben,
        acknowledged_at=at(3, 1),
        resolved_at=at(3, 4),
    )
    _status(t[5], Status.FOLLOW_UP, Status.RESOLVED, at(3, 4))
    _given(t[5], CompensationKind.REPLACEMENT, None, "", at(3, 3))

    # T6: spam, closed before anybody called: owed no callback.
    t[6] = _open(
        submitted_at=at(3, 20, 10),
        category=delivery,
        remedy="cheap pills",
        status=Status.CLOSED_INVALID,
        callback_due_at=None,
    )

    # T7: after the DST change; called 26 h later, on 31 March; promise due in April.
    t[7] = _open(
        submitted_at=at(3, 30),
        category=delivery,
        channel=Channel.API,
        remedy="An apology and a refund",
        status=Status.ACKNOWLEDGED,
        assignee=ana,
        acknowledged_at=at(3, 31, 14),
        callback_due_at=None,
    )
    _answer(t[7], answered_at=at(4, 2), csat=1, nps=0)
    _given(t[7], CompensationKind.REFUND, "15", "EUR", at(4, 3))

    # T8: February, the period before: a refund asked for.
    t[8] = _open(submitted_at=at(2, 10), category=billing, remedy="refund")

    # Open now (10 April, noon): T10 due at 15:00, T11 (high) at 13:00: at risk.
    # T9 is due tomorrow, T12 is already overdue: neither is "at risk".
    t[9] = _open(submitted_at=at(4, 9, 14), category=delivery)
    t[10] = _open(submitted_at=at(4, 8, 15), category=delivery, assignee=ben)
    t[11] = _open(submitted_at=at(4, 9, 13), category=billing)
    t[12] = _open(submitted_at=at(4, 8, 10), category=delivery)
    return History(ana=ana, ben=ben, delivery=delivery, billing=billing, tickets=t)
