"""The ticket page's steps: one POST view per form of ``recovery.steps.STEPS``, built from it.

Every step answers the same way (``run_step``). It either succeeds
(POST/redirect/GET back to the page, with a success message) or the page is
shown again as the ticket now is, with the agent's form still filled in and
what went wrong: the service's ValidationError beside its field (400), or a
WorkflowError's message at the top (409 for a move the ticket cannot make,
403 for an approval above the agent's authority). A step from a stale page
(StaleTicket) redirects to the ticket's own address instead, with what the
agent typed kept for it (``recovery.views.drafts``).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from recovery.errors import ApprovalDenied, StaleTicket, WorkflowError
from recovery.models import Compensation, Ticket
from recovery.steps import AGENT, STEPS
from recovery.views.drafts import draft_keep
from recovery.views.ticket import ticket_page
from shared.roles import agent_required

_ROLE_REQUIRED = {AGENT: agent_required}


def _status_for(error):
    # A stale page or a move the ticket's state forbids is a conflict with
    # the ticket as it is now; an approval above one's authority is forbidden.
    if isinstance(error, ApprovalDenied):
        return 403
    return 409


def _errors_onto_form(form, error):
    """Put a service's ValidationError beside the field named like the argument it is about."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, field_errors in error.error_dict.items():
        form.add_error(name if name in form.fields else None, field_errors)


def _compensation(ticket, pk):
    compensation = get_object_or_404(Compensation, pk=pk, ticket=ticket)
    # The same object the services move on, so the version check sees the
    # version the agent's page showed.
    compensation.ticket = ticket
    return compensation


def run_step(request, reference, *, step, page, compensation_id=None):
    """Read ``page``'s form from the POST and take ``step`` with what it says.

    On success: redirect to the ticket page with the page's ``success`` (or
    the text the step returned). On a stale page: redirect there too, with a
    warning and the typed text kept, so the tab ends on the ticket's address
    (a reload must not post again) showing the ticket as it is now. Otherwise
    the page is shown again, as the ticket now is, with the agent's form still
    filled in: bad input is shown beside its field (400); a WorkflowError's
    message is shown at the top, 409 for a forbidden move, 403 for an approval
    above the agent's authority. Nothing was changed in any of those cases:
    the services write all or nothing.
    """
    ticket = get_object_or_404(
        Ticket.objects.select_related("complaint__customer"), complaint__reference=reference
    )
    prefix = page.prefix if compensation_id is None else f"{page.prefix}-{compensation_id}"
    form = step.page_form(page)(request.POST, request.FILES, prefix=prefix)
    status = 400
    if form.is_valid():
        data = {**form.cleaned_data, **(page.preset(request.user) if page.preset else {})}
        compensation = None if compensation_id is None else _compensation(ticket, compensation_id)
        try:
            outcome = step.perform(
                ticket=ticket, compensation=compensation, actor=request.user, data=data
            )
        except StaleTicket:
            draft_keep(request, reference=reference, form=form)
            messages.warning(
                request,
                _(
                    "This ticket changed while you were working on it, so your step was not "
                    "taken. Here it is as it is now: check what changed before you go on."
                ),
            )
            return redirect("agent:ticket", reference=reference)
        except WorkflowError as error:
            messages.error(request, str(error))
            status = _status_for(error)
        except ValidationError as error:
            _errors_onto_form(form, error)
        else:
            messages.success(request, str(outcome or page.success))
            return redirect("agent:ticket", reference=reference)
    return ticket_page(request, reference, bound={prefix: form}, status=status)


def step_view(step, page):
    """The POST view of one form of ``step`` on the ticket page."""

    @_ROLE_REQUIRED[step.who]
    @require_POST
    def view(request, reference, compensation_id=None):
        return run_step(request, reference, step=step, page=page, compensation_id=compensation_id)

    view.step, view.page = step, page
    view.__name__ = view.__qualname__ = page.name
    return view


def step_urls():
    """Every form of every step, posted under the ticket's address."""
    return [
        path(
            f"tickets/<str:reference>/{step.page_route(page)}",
            step_view(step, page),
            name=page.name,
        )
        for step in STEPS
        for page in step.pages
    ]
