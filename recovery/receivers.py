"""Recovery's answers to what the layers below it announce.

Connected in ``RecoveryConfig.ready()``. ``complaints`` cannot call the
workflow (it sits below recovery), so it says a complaint was filed and the
ticket is opened here, in the filing's own transaction.
"""

from typing import Any

from django.contrib.auth.models import User

from complaints.models import Complaint
from complaints.signals import complaint_filed
from recovery.services import ticket_assign
from recovery.workflow import ticket_open
from shared.roles import is_agent


def ticket_open_for_complaint(
    sender: type[Complaint],
    *,
    complaint: Complaint,
    logged_by: User | None = None,
    **kwargs: Any,
) -> None:
    """Open the ticket of a complaint just filed, in the filing's transaction.

    Synchronous on purpose: the customer is answered with the complaint's
    reference and its callback promise, both of which need the ticket; an
    error here rolls the complaint back with it. A complaint an agent logged
    (a phone call, an email from the unmatched mail) is theirs: they spoke
    to the customer, so the ticket is assigned to them at once.
    """
    ticket = ticket_open(complaint=complaint, actor=logged_by)
    if logged_by is not None and is_agent(logged_by):
        ticket_assign(ticket=ticket, assignee=logged_by, actor=logged_by)


def connect() -> None:
    complaint_filed.connect(
        ticket_open_for_complaint, sender=Complaint, dispatch_uid="recovery.ticket_open"
    )
