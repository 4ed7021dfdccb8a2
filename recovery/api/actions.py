"""The steps on a ticket through the API: one POST route per step, as on the ticket page.

Each step is a line in ``STEPS``: its route, what it reads and which service
it calls (the pages' own: ``recovery.services``, ``recovery.compensation``).
``TicketStepView`` answers the same way for all of them, like the pages'
``run_step``: the ticket as it now is (200, or 201 when the step added a
call, a ledger line or a note), or an error from ``config.api.exception_handler``:
400 with the service's messages by field, 409 for a move the ticket cannot
make or a stale ``version``, 403 for an approval above the caller's authority.
Nothing changed in any of those cases: the services write all or nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.views import APIView

from recovery import services
from recovery.api import inputs
from recovery.api.serializers import TicketSerializer
from recovery.api.views import REFERENCE_PARAMETER, ticket_or_404, ticket_response
from recovery.compensation import (
    compensation_approve,
    compensation_decline,
    compensation_fulfil,
    compensation_propose,
)
from recovery.models import Compensation


@dataclass(frozen=True)
class Step:
    route: str
    name: str
    input: type
    perform: Callable  # (request, ticket, data, compensation) -> None
    summary: str
    creates: bool = False


def _version(data):
    return {"expected_version": data.get("version")}


def _acknowledge(request, ticket, data, compensation):
    services.ticket_acknowledge(
        ticket=ticket,
        actor=request.user,
        method=data["method"],
        number_called=data["number_called"],
        message=data["message"],
        note=data["note"],
        **_version(data),
    )


def _callback_attempt(request, ticket, data, compensation):
    services.callback_attempt_record(
        ticket=ticket,
        actor=request.user,
        number_called=data["number_called"],
        outcome=data["outcome"],
        note=data["note"],
        **_version(data),
    )


def _apologize(request, ticket, data, compensation):
    services.ticket_apologize(
        ticket=ticket, actor=request.user, text=data["text"], **_version(data)
    )


def _compensate(request, ticket, data, compensation):
    compensation_propose(
        ticket=ticket,
        actor=request.user,
        kind=data["kind"],
        amount=data["amount"] or None,
        currency=data["currency"],
        description=data["description"],
        reason=data["reason"],
        **_version(data),
    )


def _ledger(service, *fields):
    def perform(request, ticket, data, compensation):
        service(
            compensation=compensation,
            actor=request.user,
            **{name: data[name] for name in fields},
            **_version(data),
        )

    return perform


def _on_ticket(service, *fields):
    def perform(request, ticket, data, compensation):
        service(
            ticket=ticket,
            actor=request.user,
            **{name: data[name] for name in fields},
            **_version(data),
        )

    return perform


def _assign(request, ticket, data, compensation):
    services.ticket_assign(
        ticket=ticket, assignee=data["assignee"], actor=request.user, **_version(data)
    )


def _note(request, ticket, data, compensation):
    services.ticket_add_note(
        ticket=ticket,
        actor=request.user,
        text=data["text"],
        customer_visible=data["customer_visible"],
    )


LINE = "compensations/<int:compensation_id>/"
STEPS = [
    Step(
        "acknowledge/",
        "acknowledge",
        inputs.AcknowledgeInput,
        _acknowledge,
        "Record the first contact (a call that reached the customer, or a personal message)",
    ),
    Step(
        "callback-attempts/",
        "callback_attempts",
        inputs.CallbackAttemptInput,
        _callback_attempt,
        "Log a call; one that reaches a new ticket's customer acknowledges it",
        creates=True,
    ),
    Step("apologize/", "apologize", inputs.ApologyInput, _apologize, "Record the apology"),
    Step(
        "compensations/",
        "compensations",
        inputs.CompensationInput,
        _compensate,
        "Add a line to the compensation ledger",
        creates=True,
    ),
    Step(
        f"{LINE}approve/",
        "compensation_approve",
        inputs.StepInput,
        _ledger(compensation_approve),
        "Approve a proposed compensation (403 above your approval limit)",
    ),
    Step(
        f"{LINE}fulfil/",
        "compensation_fulfil",
        inputs.FulfilInput,
        _ledger(compensation_fulfil, "code", "redeem_instructions"),
        "Record that an approved compensation was handed over (a voucher with its code)",
    ),
    Step(
        f"{LINE}decline/",
        "compensation_decline",
        inputs.ReasonInput,
        _ledger(compensation_decline, "reason"),
        "Decline a proposed or approved compensation",
    ),
    Step(
        "follow-up/",
        "follow_up",
        inputs.StepInput,
        _on_ticket(services.ticket_start_follow_up),
        "Start the follow-up, once the ledger is settled",
    ),
    Step(
        "resolve/",
        "resolve",
        inputs.ResolveInput,
        _on_ticket(services.ticket_resolve, "note"),
        "Resolve a ticket in follow-up",
    ),
    Step(
        "reopen/",
        "reopen",
        inputs.ReasonInput,
        _on_ticket(services.ticket_reopen, "reason"),
        "Reopen a resolved ticket",
    ),
    Step(
        "close/",
        "close",
        inputs.ReasonInput,
        _on_ticket(services.ticket_close_invalid, "reason"),
        "Close an open ticket as invalid (spam, duplicate, not a complaint)",
    ),
    Step("assign/", "assign", inputs.AssignInput, _assign, "Assign to an agent, or to nobody"),
    Step(
        "priority/",
        "priority",
        inputs.PriorityInput,
        _on_ticket(services.ticket_priority_change, "priority"),
        "Change the priority; a callback still owed gets the new window's deadline",
    ),
    Step(
        "notes/",
        "notes",
        inputs.NoteInput,
        _note,
        "Add an internal note, or a message the customer sees",
        creates=True,
    ),
]


class TicketStepView(APIView):
    step: Step
    error_statuses = (409,)

    def post(self, request, reference, compensation_id=None):
        ticket = ticket_or_404(request, self, reference)
        compensation = None
        if compensation_id is not None:
            compensation = Compensation.objects.filter(pk=compensation_id, ticket=ticket).first()
            if compensation is None:
                raise NotFound(_("This ticket has no such compensation."))
            # The very ticket the version check reads, as on the pages.
            compensation.ticket = ticket
        body = self.step.input(data=request.data)
        body.is_valid(raise_exception=True)
        self.step.perform(request, ticket, body.validated_data, compensation)
        # Read again: the services changed the ticket and its lists.
        fresh = ticket_or_404(request, self, ticket.complaint.reference)
        return ticket_response(request, fresh, status=201 if self.step.creates else 200)


def step_view(step):
    """The view for one line of ``STEPS``, documented with its body and answer."""
    parameters = [REFERENCE_PARAMETER]
    if "<int:compensation_id>" in step.route:
        parameters.append(
            OpenApiParameter(
                "compensation_id",
                int,
                OpenApiParameter.PATH,
                description="The ledger line's id.",
            )
        )

    # A method of its own per step: extend_schema marks the function it decorates.
    @extend_schema(
        operation_id=f"tickets_{step.name}",
        summary=step.summary,
        parameters=parameters,
        request=step.input,
        responses={201 if step.creates else 200: TicketSerializer},
    )
    def post(self, request, reference, compensation_id=None):
        return TicketStepView.post(self, request, reference, compensation_id)

    view = type(f"Ticket_{step.name}_View", (TicketStepView,), {"step": step, "post": post})
    return view.as_view()
