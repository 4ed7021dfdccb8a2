"""Which emails each step of a ticket owes, and to whom.

The recovery steps call ``notifications_for_event`` right after writing their
event, inside their transaction: the outbox rows commit with the step or not
at all, and the send is published only after commit. The rules are kept here,
not in the steps, so that recovery knows nothing of emails beyond that call.

The customer hears about each step an agent takes on their complaint, in the
language they wrote in, and only if we have their address (a phone complaint
may have none). They are never emailed about what they did themselves (their
own message, a reopening it caused) nor about anything internal (notes,
assignments, a manager's approval). Staff hear about what waits on them: a
compensation above the proposer's authority, a customer's message; and a
proposer hears when a colleague approved or declined their proposal.
"""

from notifications.models import NotificationKind
from notifications.services import notification_queue
from notifications.staff import staff_recipients, staff_recipients_by_user
from recovery.choices import CompensationKind, EventKind
from recovery.models import Compensation
from recovery.selectors import compensation_approvable_by, compensations_with_authority
from shared.roles import AGENTS, MANAGERS

K = NotificationKind

# A status move (its action in recovery.workflow.ALLOWED) → the customer's
# email. Reopening is left out: when the customer's message reopens a ticket
# they did it themselves, and they hear back from the agent who takes it up.
# Starting the follow-up is too: its email goes with the survey, when due.
STEP_EMAILS = {
    "acknowledge": K.ACKNOWLEDGED,
    "apologize": K.APOLOGY,
    "resolve": K.RESOLVED,
}

# A ledger change → the customer's email. The offer goes out once the line is
# approved, not when it is proposed: a proposal above the agent's limit may
# still be declined by a manager, and a customer must never be promised what
# we then take back. A "none" line is recorded, never approved: the customer
# is not emailed an offer of nothing (its reason is written for staff), and
# hears from us next at the follow-up.
LEDGER_EMAILS = {
    "approved": K.COMPENSATION_OFFERED,
    "fulfilled": K.COMPENSATION_FULFILLED,
}


def customer_email_kind(event):
    """The progress email the customer is owed for ``event``, or None."""
    if event.kind == EventKind.STATUS:
        return STEP_EMAILS.get(event.payload.get("action"))
    if event.kind == EventKind.AGENT_MESSAGE:
        return K.AGENT_MESSAGE
    if event.kind == EventKind.SURVEY_SENT:
        # The follow-up email goes with its survey, when the follow-up falls
        # due (recovery.workflow.bulk.surveys_send_due), not when it starts.
        return K.FOLLOW_UP
    if event.kind == EventKind.COMPENSATION and event.payload.get("kind") != CompensationKind.NONE:
        return LEDGER_EMAILS.get(event.payload.get("change"))
    return None


def _needs_a_manager(event):
    """True for a proposal its own proposer may not approve (above their limit on the ticket)."""
    if event.kind != EventKind.COMPENSATION or event.payload.get("change") != "proposed":
        return False
    compensation = compensations_with_authority().get(pk=event.payload["compensation"])
    return not compensation_approvable_by(compensation=compensation, user=event.actor)


def _proposer_to_tell(event):
    """``[(address, language)]`` of the proposer somebody else approved or declined; else ``[]``.

    Not when they decided themselves (they know), nor for a line declined
    after its approval (the customer refused it: no decision on the proposal).
    """
    change = event.payload.get("change")
    if event.kind != EventKind.COMPENSATION or change not in ("approved", "declined"):
        return []
    compensation = Compensation.objects.select_related("proposed_by").get(
        pk=event.payload["compensation"]
    )
    proposer = compensation.proposed_by
    if proposer is None or proposer.pk == event.actor_id:
        return []
    if change == "declined" and compensation.approved_at is not None:
        return []
    return list(staff_recipients_by_user([proposer.pk]).values())


def _assignee_or_agents(ticket):
    """``[(address, language)]`` of the assignee, or of every agent when there is none to write to.

    Unlike a reminder, a customer's message must reach somebody: an assignee
    who left (inactive) or has no address would leave it unread.
    """
    if ticket.assignee_id is not None:
        assignee = staff_recipients_by_user([ticket.assignee_id])
        if assignee:
            return list(assignee.values())
    return staff_recipients(AGENTS)


def emails_owed(event):
    """``[(kind, recipient, language)]``: every email ``event`` owes, in a stable order.

    Staff are written to in their own language (``notifications.staff``).
    """
    ticket = event.ticket
    owed = []
    kind = customer_email_kind(event)
    if kind is not None:
        complaint = ticket.complaint
        if complaint.customer.email:
            owed.append((kind, complaint.customer.email, complaint.language))
    staff = []
    if event.kind == EventKind.CUSTOMER_MESSAGE:
        staff = [(K.CUSTOMER_REPLIED, to) for to in _assignee_or_agents(ticket)]
    elif _needs_a_manager(event):
        staff = [(K.APPROVAL_NEEDED, to) for to in staff_recipients(MANAGERS)]
    elif event.payload.get("second_attempt"):
        # An unhappy survey answer sent it back and a new callback is owed.
        staff = [(K.SECOND_ATTEMPT, to) for to in _assignee_or_agents(ticket)]
    else:
        staff = [(K.APPROVAL_DECIDED, to) for to in _proposer_to_tell(event)]
    owed.extend((kind, email, language) for kind, (email, language) in staff)
    return owed


def notifications_for_event(event):
    """Queue the emails ``event`` owes, in the caller's transaction; returns the outbox rows.

    Safe to call twice for one event: the outbox's uniqueness rule (event,
    kind, recipient) returns the rows already written.
    """
    return [
        notification_queue(
            ticket=event.ticket, event=event, kind=kind, recipient=recipient, language=language
        )
        for kind, recipient, language in emails_owed(event)
    ]
