"""The one writer of a ticket's status, priority, assignee and deadline columns.

``moves`` holds the table of legal moves and ``transition()``, through which
every step an agent takes goes; ``bulk`` holds the writes the deadline sweep
makes on many tickets at once (breaches, reminders, follow-up surveys sent and
left unanswered) and the priority change that moves a deadline; both write
through ``columns``, which alone derives ``due_at``, ``version`` and
``updated_at``. ``merge`` joins a duplicate to another complaint of the
customer, and undoes that, outside the table of moves. Nothing outside this
package writes a ticket row (``tests/recovery/test_single_writer.py``).
"""

from recovery.workflow.bulk import ticket_priority_change, tickets_breach, tickets_remind
from recovery.workflow.columns import due_at_for
from recovery.workflow.merge import ticket_merge, ticket_unmerge
from recovery.workflow.moves import (
    ALLOWED,
    WORKFLOW_COLUMNS,
    event_record,
    illegal_move_message,
    move_check,
    required_text,
    ticket_customer_message,
    ticket_open,
    ticket_reopen,
    transition,
)

__all__ = [
    "ALLOWED",
    "WORKFLOW_COLUMNS",
    "event_record",
    "illegal_move_message",
    "move_check",
    "due_at_for",
    "required_text",
    "ticket_customer_message",
    "ticket_merge",
    "ticket_open",
    "ticket_priority_change",
    "ticket_reopen",
    "ticket_unmerge",
    "tickets_breach",
    "tickets_remind",
    "transition",
]
