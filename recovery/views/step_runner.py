"""``run_step``: how every step on the ticket page reads its form and answers, in one place.

A step either succeeds (POST/redirect/GET back to the page, with a success
message) or the page is shown again as the ticket now is, with the agent's
form still filled in and what went wrong: the service's ValidationError
beside its field (400), or a WorkflowError's message at the top (409 for a
move the ticket cannot make, 403 for an approval above the agent's authority).
A step from a stale page (StaleTicket) redirects to the ticket's own address
instead, with what the agent typed kept for it (``recovery.views.drafts``).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from recovery.errors import ApprovalDenied, StaleTicket, WorkflowError
from recovery.models import Ticket
from recovery.views.drafts import draft_keep
from recovery.views.ticket import ticket_page


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


def run_step(request, reference, *, form_class, prefix, perform, success, form_kwargs=None):
    """Read ``form_class`` (with ``prefix``) from the POST and call ``perform(ticket, data)``.

    On success: redirect to the ticket page with ``success`` (or what
    ``perform`` returned, if text). On a stale page: redirect there too, with
    a warning and the typed text kept, so the tab ends on the ticket's address
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
    form = form_class(request.POST, prefix=prefix, **(form_kwargs or {}))
    status = 400
    if form.is_valid():
        try:
            outcome = perform(ticket, form.cleaned_data)
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
            messages.success(request, outcome if isinstance(outcome, str) else success)
            return redirect("agent:ticket", reference=reference)
    return ticket_page(request, reference, bound={prefix: form}, status=status)
