"""The compensation steps on the ticket page: propose, and approve, hand over or decline one line."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from recovery import forms
from recovery.compensation import (
    compensation_approve,
    compensation_decline,
    compensation_fulfil,
    compensation_propose,
)
from recovery.models import Compensation
from recovery.views.step_runner import run_step
from shared.roles import agent_required


def _compensation(ticket, pk):
    compensation = get_object_or_404(Compensation, pk=pk, ticket=ticket)
    # The same object the services move on, so the version check sees the
    # version the agent's page showed.
    compensation.ticket = ticket
    return compensation


@agent_required
@require_POST
def ticket_compensate(request, reference):
    def perform(ticket, data):
        compensation_propose(
            ticket=ticket,
            actor=request.user,
            kind=data["kind"],
            amount=data["amount"] or None,
            currency=data["currency"],
            description=data["description"],
            reason=data["reason"],
            expected_version=data["version"],
        )

    return run_step(
        request,
        reference,
        form_class=forms.CompensationProposeForm,
        prefix="compensate",
        perform=perform,
        success=_("Compensation added to the ledger."),
    )


def _ledger_step(request, reference, pk, *, action, form_class, service, success, fields=()):
    """Approve, fulfil or decline one line of the ticket's ledger."""

    def perform(ticket, data):
        service(
            compensation=_compensation(ticket, pk),
            actor=request.user,
            expected_version=data["version"],
            **{name: data[name] for name in fields},
        )

    return run_step(
        request,
        reference,
        form_class=form_class,
        prefix=f"{action}-{pk}",
        perform=perform,
        success=success,
    )


@agent_required
@require_POST
def compensation_approve_view(request, reference, pk):
    return _ledger_step(
        request,
        reference,
        pk,
        action="approve",
        form_class=forms.StepForm,
        service=compensation_approve,
        success=_("Compensation approved."),
    )


@agent_required
@require_POST
def compensation_fulfil_view(request, reference, pk):
    return _ledger_step(
        request,
        reference,
        pk,
        action="fulfil",
        form_class=forms.FulfilForm,
        service=compensation_fulfil,
        success=_("Compensation marked as handed over."),
        fields=("code", "redeem_instructions"),
    )


@agent_required
@require_POST
def compensation_decline_view(request, reference, pk):
    return _ledger_step(
        request,
        reference,
        pk,
        action="decline",
        form_class=forms.DeclineForm,
        service=compensation_decline,
        success=_("Compensation declined."),
        fields=("reason",),
    )
