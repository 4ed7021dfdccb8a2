"""The table of steps: one line per step an agent takes on a ticket (see ``recovery.steps``)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from recovery import services
from recovery.choices import AcknowledgeMethod, CallbackOutcome, CompensationKind, Priority
from recovery.compensation import compensation_approve, compensation_decline, compensation_fulfil
from recovery.forms import Amount, Assignee, Choice, Flag, Text, Words, textarea
from recovery.steps import adapters
from recovery.steps.record import RECORD_STEPS
from recovery.steps.step import LINE, Page, Step
from recovery.workflow.waiting import ticket_await_customer


def _tel() -> forms.TextInput:
    return forms.TextInput(attrs={"type": "tel", "autocomplete": "off"})


def _reason(label: Words, help: Words = "") -> Text:
    return Text("reason", label=label, help=help)


STEPS = (
    Step(
        "acknowledge",
        "acknowledge/",
        adapters.acknowledge,
        "Record the first contact (a call that reached the customer, or a personal message)",
        body="AcknowledgeInput",
        fields=(
            Choice("method", AcknowledgeMethod),
            Text("number_called", api_help="For `phone`: the number that reached the customer."),
            Text(
                "message",
                label=_("Message you sent the customer"),
                help=_("The customer will see this."),
                api_help="For `message`: what you wrote to the customer (they see it).",
                widget=textarea(4),
            ),
            Text("note", api_help="Internal note on the call."),
        ),
        # On the page a call that reached the customer is logged as a call ("callback").
        pages=(
            Page(
                "ticket_acknowledge",
                "ack",
                _("Ticket acknowledged by your message."),
                asks=("message",),
                preset=lambda actor: {
                    "method": AcknowledgeMethod.MESSAGE,
                    "number_called": None,
                    "note": "",
                },
            ),
        ),
    ),
    Step(
        "callback_attempts",
        "callback-attempts/",
        adapters.callback_attempt,
        "Log a call; one that reaches a new ticket's customer acknowledges it",
        body="CallbackAttemptInput",
        creates=True,
        fields=(
            Text("number_called", label=_("Number called"), page_max_length=40, widget=_tel()),
            # Nothing preselected: a default would log "reached" for a call nobody
            # answered. Left empty, the page lets the service say what is missing.
            Choice("outcome", CallbackOutcome, label=_("Outcome"), radio=True, page_required=False),
            Text(
                "note", label=_("Note"), help=_("Internal: what was said, a better time to call.")
            ),
        ),
        pages=(
            Page(
                "ticket_callback",
                "call",
                _("Call logged."),
                route="callback/",
                initial=lambda ticket: {"number_called": ticket.complaint.customer.phone},
            ),
        ),
    ),
    Step(
        "apologize",
        "apologize/",
        adapters.on_ticket(services.ticket_apologize, "text"),
        "Record the apology",
        body="ApologyInput",
        fields=(
            Text(
                "text",
                label=_("Apology"),
                help=_("The customer will see this, in these words."),
                api_help="The apology, in the words the customer will see.",
                widget=textarea(4),
            ),
        ),
        pages=(Page("ticket_apologize", "apology", _("Apology recorded.")),),
    ),
    Step(
        "compensations",
        "compensations/",
        adapters.compensate,
        "Add a line to the compensation ledger",
        body="CompensationInput",
        creates=True,
        fields=(
            Choice("kind", CompensationKind, label=_("Kind")),
            Amount(
                "amount",
                label=_("Amount"),
                api_help='A decimal in a string, such as "25.00"; none for a replacement or "none".',
            ),
            Text(
                "currency",
                label=_("Currency"),
                api_help="ISO 4217, e.g. EUR.",
                max_length=3,
                initial="EUR",
                widget=forms.TextInput(attrs={"autocomplete": "off", "size": 3}),
            ),
            Text(
                "description",
                label=_("Description"),
                help=_("What exactly is offered: the order refunded, the voucher's use."),
            ),
            Text(
                "reason",
                label=_("Reason"),
                help=_("Required for “No compensation”: why nothing is due."),
                api_help="Required for `none`: why nothing is due.",
            ),
        ),
        pages=(
            Page(
                "ticket_compensate",
                "compensate",
                _("Compensation added to the ledger."),
                route="compensate/",
            ),
        ),
    ),
    Step(
        "compensation_approve",
        f"{LINE}approve/",
        adapters.on_line(compensation_approve),
        "Approve a proposed compensation (403 above your approval limit)",
        body="StepInput",
        pages=(Page("ticket_compensation_approve", "approve", _("Compensation approved.")),),
    ),
    Step(
        "compensation_fulfil",
        f"{LINE}fulfil/",
        adapters.on_line(compensation_fulfil, "code", "redeem_instructions"),
        "Record that an approved compensation was handed over (a voucher with its code)",
        body="FulfilInput",
        fields=(
            Text(
                "code",
                label=_("Code"),
                help=_("The customer will see this: the voucher or discount code, as issued."),
                api_help="Required for a voucher or discount: the code the customer redeems "
                "(they see it).",
                widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            ),
            Text(
                "redeem_instructions",
                label=_("How to use it"),
                help=_("The customer will see this: where to enter the code, until when."),
                api_help="Required for a voucher or discount: how and until when to use the code.",
            ),
        ),
        pages=(
            Page("ticket_compensation_fulfil", "fulfil", _("Compensation marked as handed over.")),
        ),
    ),
    Step(
        "compensation_decline",
        f"{LINE}decline/",
        adapters.on_line(compensation_decline, "reason"),
        "Decline a proposed or approved compensation",
        body="ReasonInput",
        fields=(_reason(_("Why it is declined")),),
        pages=(Page("ticket_compensation_decline", "decline", _("Compensation declined.")),),
    ),
    Step(
        "follow_up",
        "follow-up/",
        adapters.on_ticket(services.ticket_start_follow_up),
        "Start the follow-up, once the ledger is settled",
        body="StepInput",
        pages=(Page("ticket_start_follow_up", "follow_up", _("Follow-up started.")),),
    ),
    Step(
        "resolve",
        "resolve/",
        adapters.on_ticket(services.ticket_resolve, "note"),
        "Resolve a ticket in follow-up",
        body="ResolveInput",
        fields=(
            Text(
                "note",
                label=_("How the follow-up went"),
                help=_("Internal, optional."),
                api_help="Internal: how the follow-up went.",
            ),
        ),
        pages=(Page("ticket_resolve", "resolve", _("Ticket resolved.")),),
    ),
    Step(
        "reopen",
        "reopen/",
        adapters.on_ticket(services.ticket_reopen, "reason"),
        "Reopen a resolved ticket",
        body="ReasonInput",
        fields=(_reason(_("Why reopen it"), _("Internal: what the customer still needs.")),),
        pages=(Page("ticket_reopen", "reopen", _("Ticket reopened.")),),
    ),
    Step(
        "close",
        "close/",
        adapters.on_ticket(services.ticket_close_invalid, "reason"),
        "Close an open ticket as invalid (spam, duplicate, not a complaint)",
        body="ReasonInput",
        fields=(
            _reason(
                _("Why the ticket is invalid"),
                _("Spam, a duplicate of another ticket, not a complaint…"),
            ),
        ),
        pages=(Page("ticket_close_invalid", "close", _("Ticket closed as invalid.")),),
    ),
    Step(
        "assign",
        "assign/",
        adapters.on_ticket(services.ticket_assign, "assignee"),
        "Assign to an agent, or to nobody",
        body="AssignInput",
        fields=(
            Assignee(
                "assignee",
                label=_("Assign to"),
                api_help="The agent's user id, or null to unassign.",
            ),
        ),
        pages=(
            Page(
                "ticket_claim",
                "claim",
                _("Ticket assigned to you."),
                route="claim/",
                asks=(),
                preset=lambda actor: {"assignee": actor},
            ),
            Page(
                "ticket_unassign",
                "unassign",
                _("Ticket unassigned."),
                route="unassign/",
                asks=(),
                preset=lambda actor: {"assignee": None},
            ),
            Page("ticket_assign", "assign", _("Ticket assigned.")),
        ),
    ),
    Step(
        "priority",
        "priority/",
        adapters.priority_change,
        "Change the priority; a callback still owed gets the new window's deadline",
        body="PriorityInput",
        fields=(Choice("priority", Priority, label=_("Priority")),),
        pages=(
            Page(
                "ticket_priority",
                "priority",
                _("Priority changed."),
                initial=lambda ticket: {"priority": ticket.priority},
            ),
        ),
    ),
    # The next-reply clock's pause (recovery.workflow.waiting).
    Step(
        "waiting",
        "waiting/",
        adapters.on_ticket(ticket_await_customer, "waiting"),
        "Wait on the customer (true) or stop waiting (false): the next-reply deadline pauses",
        body="WaitingInput",
        fields=(Flag("waiting", api_help="True: we wait on the customer's answer."),),
        pages=(
            Page(
                "ticket_await_customer",
                "await",
                _("Waiting on the customer: the reply deadline is paused."),
                route="waiting/",
                asks=(),
                preset=lambda actor: {"waiting": True},
            ),
            Page(
                "ticket_stop_waiting",
                "stop_waiting",
                _("No longer waiting on the customer."),
                route="waiting/stop/",
                asks=(),
                preset=lambda actor: {"waiting": False},
            ),
        ),
    ),
    *RECORD_STEPS,
)
