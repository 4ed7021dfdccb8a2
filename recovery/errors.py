"""What the workflow refuses, and why, in words an agent can act on.

A ``WorkflowError`` means the ticket's state forbids the action; bad input
(an empty reason, a malformed amount) is a Django ``ValidationError`` keyed by
the argument's name, so a form can show it beside the field. The API maps
IllegalTransition and StaleTicket to 409 and ApprovalDenied to 403.
"""

from django.utils.translation import gettext_lazy as _


class WorkflowError(Exception):
    """The base of every refusal; ``str()`` gives the translated message."""

    default_message = _("This cannot be done to the ticket now.")

    def __init__(self, message=None):
        self.message = message or self.default_message
        super().__init__(self.message)

    def __str__(self):
        return str(self.message)


class IllegalTransition(WorkflowError):
    """The move is not in the table, or its precondition is not met. Nothing changed."""


class StaleTicket(WorkflowError):
    """Somebody else changed the ticket since this version was read. Nothing changed."""

    default_message = _("This ticket changed while you were working on it; reload it.")


class ApprovalDenied(WorkflowError):
    """The user may not approve this compensation (above the agents' limit). Nothing changed."""

    default_message = _("Only a manager can approve this compensation.")


class MergeRefused(IllegalTransition):
    """The two complaints cannot be merged, or the merge no longer undone, as asked. Nothing changed."""
