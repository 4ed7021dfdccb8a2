"""The steps an agent takes on a ticket, but the ledger's: one POST view per step.

Each view only says which form it reads and which service it calls;
``recovery.views.step_runner.run_step`` answers the same way for all of them.
The compensation steps are in ``recovery.views.ledger``.
"""

from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from recovery import forms, services
from recovery.choices import AcknowledgeMethod, CallbackOutcome, Status
from recovery.selectors import assignable_agents
from recovery.views.step_runner import run_step
from shared.roles import agent_required


@agent_required
@require_POST
def ticket_callback(request, reference):
    def perform(ticket, data):
        was_new = ticket.status == Status.NEW
        attempt = services.callback_attempt_record(
            ticket=ticket,
            actor=request.user,
            number_called=data["number_called"],
            outcome=data["outcome"],
            note=data["note"],
            expected_version=data["version"],
        )
        if was_new and attempt.outcome == CallbackOutcome.REACHED:
            return _("Call logged: the customer was reached and the ticket is acknowledged.")
        return None

    return run_step(
        request,
        reference,
        form_class=forms.CallbackAttemptForm,
        prefix="call",
        perform=perform,
        success=_("Call logged."),
    )


@agent_required
@require_POST
def ticket_acknowledge(request, reference):
    def perform(ticket, data):
        second = services.owes_second_callback(ticket)
        services.ticket_acknowledge(
            ticket=ticket,
            actor=request.user,
            method=AcknowledgeMethod.MESSAGE,
            message=data["message"],
            expected_version=data["version"],
        )
        if second:
            return _("Second attempt: the customer has your message; the callback is met.")
        return None

    return run_step(
        request,
        reference,
        form_class=forms.AcknowledgeMessageForm,
        prefix="ack",
        perform=perform,
        success=_("Ticket acknowledged by your message."),
    )


@agent_required
@require_POST
def ticket_apologize(request, reference):
    def perform(ticket, data):
        services.ticket_apologize(
            ticket=ticket, actor=request.user, text=data["text"], expected_version=data["version"]
        )

    return run_step(
        request,
        reference,
        form_class=forms.ApologyForm,
        prefix="apology",
        perform=perform,
        success=_("Apology recorded."),
    )


def _simple_step(request, reference, *, prefix, form_class, service, success, fields=()):
    """A step on the ticket itself whose form fields are passed to ``service`` as they are."""

    def perform(ticket, data):
        service(
            ticket=ticket,
            actor=request.user,
            expected_version=data["version"],
            **{name: data[name] for name in fields},
        )

    return run_step(
        request, reference, form_class=form_class, prefix=prefix, perform=perform, success=success
    )


@agent_required
@require_POST
def ticket_start_follow_up(request, reference):
    return _simple_step(
        request,
        reference,
        prefix="follow_up",
        form_class=forms.StepForm,
        service=services.ticket_start_follow_up,
        success=_("Follow-up started."),
    )


@agent_required
@require_POST
def ticket_resolve(request, reference):
    return _simple_step(
        request,
        reference,
        prefix="resolve",
        form_class=forms.ResolveForm,
        service=services.ticket_resolve,
        success=_("Ticket resolved."),
        fields=("note",),
    )


@agent_required
@require_POST
def ticket_close_invalid(request, reference):
    return _simple_step(
        request,
        reference,
        prefix="close",
        form_class=forms.CloseInvalidForm,
        service=services.ticket_close_invalid,
        success=_("Ticket closed as invalid."),
        fields=("reason",),
    )


@agent_required
@require_POST
def ticket_reopen(request, reference):
    return _simple_step(
        request,
        reference,
        prefix="reopen",
        form_class=forms.ReopenForm,
        service=services.ticket_reopen,
        success=_("Ticket reopened."),
        fields=("reason",),
    )


def _assign(request, reference, *, prefix, assignee, success, form_class=forms.StepForm, **kw):
    """Claim, unassign or assign; ``assignee(data)`` says to whom (None: nobody)."""

    def perform(ticket, data):
        services.ticket_assign(
            ticket=ticket,
            assignee=assignee(data),
            actor=request.user,
            expected_version=data["version"],
        )

    return run_step(
        request,
        reference,
        form_class=form_class,
        prefix=prefix,
        perform=perform,
        success=success,
        form_kwargs=kw,
    )


@agent_required
@require_POST
def ticket_claim(request, reference):
    return _assign(
        request,
        reference,
        prefix="claim",
        assignee=lambda data: request.user,
        success=_("Ticket assigned to you."),
    )


@agent_required
@require_POST
def ticket_unassign(request, reference):
    return _assign(
        request,
        reference,
        prefix="unassign",
        assignee=lambda data: None,
        success=_("Ticket unassigned."),
    )


@agent_required
@require_POST
def ticket_assign(request, reference):
    return _assign(
        request,
        reference,
        prefix="assign",
        assignee=lambda data: data["assignee"],
        form_class=forms.AssignForm,
        success=_("Ticket assigned."),
        agents=assignable_agents(),
    )


def _note(request, reference, *, customer_visible, form_class, prefix, success):
    def perform(ticket, data):
        services.ticket_add_note(
            ticket=ticket, actor=request.user, text=data["text"], customer_visible=customer_visible
        )

    return run_step(
        request, reference, form_class=form_class, prefix=prefix, perform=perform, success=success
    )


@agent_required
@require_POST
def ticket_note(request, reference):
    return _note(
        request,
        reference,
        customer_visible=False,
        form_class=forms.InternalNoteForm,
        prefix="note",
        success=_("Internal note added."),
    )


@agent_required
@require_POST
def ticket_message(request, reference):
    return _note(
        request,
        reference,
        customer_visible=True,
        form_class=forms.CustomerMessageForm,
        prefix="message",
        success=_("Message added: the customer sees it on their tracking page."),
    )


@agent_required
@require_POST
def ticket_priority(request, reference):
    """Raise or lower the priority; a callback still owed gets the new window's deadline."""

    def perform(ticket, data):
        event = services.ticket_priority_change(
            ticket=ticket,
            actor=request.user,
            priority=data["priority"],
            expected_version=data["version"],
        )
        return None if event else _("The priority was already that.")

    return run_step(
        request,
        reference,
        form_class=forms.PriorityForm,
        prefix="priority",
        perform=perform,
        success=_("Priority changed."),
    )
