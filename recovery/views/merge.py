"""Merging a duplicate from its ticket page: choose, confirm, and undo within 7 days.

The "Merge into…" form (``templates/recovery/_merge.html``) posts here with
the complaint chosen; the first post shows what the merge will do and asks
for confirmation (``recovery/merge_confirm.html``), the second makes it
(``recovery.workflow.merge``) and leads to the survivor. A refusal is shown on
the ticket page as a step's is (409); a page left open while the ticket
changed is told to reload, as every step is.
"""

from django import forms
from django.contrib import messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from recovery.errors import StaleTicket, WorkflowError
from recovery.merges import REVERSIBLE_FOR
from recovery.models import Ticket, TicketMerge
from recovery.views.ticket import ticket_page
from recovery.workflow import ticket_merge, ticket_unmerge
from recovery.workflow.merge import ticket_merge_check
from shared.roles import agent_required


class MergeForm(forms.Form):
    # A reference of the same customer's, from the form's list (or the API's caller).
    into = forms.CharField(max_length=32)
    version = forms.IntegerField(min_value=1)
    confirm = forms.BooleanField(required=False)


def _ticket(reference):
    return Ticket.objects.select_related("complaint__customer", "complaint__category").filter(
        complaint__reference=reference
    )


def _refused(request, reference, message, status):
    messages.error(request, message)
    return ticket_page(request, reference, status=status)


@agent_required
@require_POST
def ticket_merge_view(request, reference):
    """Ask to confirm merging this ticket into the one chosen; once confirmed, merge them."""
    ticket = get_object_or_404(_ticket(reference))
    form = MergeForm(request.POST, prefix="merge")
    if not form.is_valid():
        return _refused(request, reference, _("Choose the complaint to merge this one into."), 400)
    into = _ticket(form.cleaned_data["into"]).first()
    if into is None:
        return _refused(request, reference, _("No complaint has this reference."), 400)
    version = form.cleaned_data["version"]
    try:
        if version != ticket.version:
            raise StaleTicket()
        if not form.cleaned_data["confirm"]:
            ticket_merge_check(merged=ticket, into=into)
            return render(
                request,
                "recovery/merge_confirm.html",
                {
                    "ticket": ticket,
                    "into": into,
                    "version": version,
                    "days": REVERSIBLE_FOR.days,
                    "until": timezone.now() + REVERSIBLE_FOR,
                },
            )
        merge = ticket_merge(merged=ticket, into=into, actor=request.user, expected_version=version)
    except StaleTicket:
        messages.warning(
            request,
            _("This ticket changed while you were working on it: check it before merging."),
        )
        return redirect("agent:ticket", reference=reference)
    except WorkflowError as error:
        return _refused(request, reference, str(error), 409)
    messages.success(
        request,
        _("%(merged)s is merged into %(into)s. It can be undone until %(date)s.")
        % {
            "merged": ticket.reference,
            "into": into.reference,
            "date": date_format(
                timezone.localtime(merge.merged_at + REVERSIBLE_FOR), "DATETIME_FORMAT"
            ),
        },
    )
    return redirect("agent:ticket", reference=into.reference)


@agent_required
@require_POST
def ticket_unmerge_view(request, reference, pk):
    """Undo merge ``pk``, from the page of either of its tickets; back to that page."""
    merge = get_object_or_404(
        TicketMerge.objects.select_related("merged__complaint", "into__complaint").filter(
            Q(merged__complaint__reference=reference) | Q(into__complaint__reference=reference)
        ),
        pk=pk,
    )
    try:
        ticket_unmerge(merge=merge, actor=request.user)
    except WorkflowError as error:
        return _refused(request, reference, str(error), 409)
    messages.success(
        request,
        _("The merge is undone: %(merged)s is its own complaint again, its deadlines back.")
        % {"merged": merge.merged.reference},
    )
    return redirect("agent:ticket", reference=reference)
