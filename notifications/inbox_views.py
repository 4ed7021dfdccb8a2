"""The unmatched mail page: emails the intake kept for a person, and the three ways out.

The writes are ``notifications.inbox``'s; these views read the forms, call
them, and say what happened. An email's text is shown escaped, as text: the
intake never keeps its HTML, and these pages would not render it anyway.
"""

from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from complaints.models import Category
from notifications import inbox
from notifications.inbound.intake import email_language
from notifications.models import InboundEmail, InboundStatus
from shared.roles import agent_required


class AttachForm(forms.Form):
    reference = forms.CharField(
        label=gettext_lazy("Complaint reference"),
        max_length=20,
        help_text=gettext_lazy("Type it, or pick one of the suggestions."),
    )


class ComplaintFromEmailForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Customer’s name"), max_length=200)
    category = forms.ModelChoiceField(
        label=gettext_lazy("Topic"), queryset=Category.objects.filter(active=True)
    )
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=settings.LANGUAGES)


@agent_required
@require_safe
def inbox_list(request: HttpRequest) -> HttpResponse:
    """The emails waiting for review, newest first, a page at a time."""
    page = inbox.unmatched_page(number=request.GET.get("page"))
    rows = [
        {
            "email": email,
            "reason": inbox.reason_label(email.reason),
            "preview": inbox.inbound_text(email)[: inbox.PREVIEW_CHARS],
        }
        for email in page.object_list
    ]
    return render(request, "notifications/inbox.html", {"page": page, "rows": rows})


def _detail(
    request: HttpRequest,
    email: InboundEmail,
    *,
    attach_form: AttachForm | None = None,
    complaint_form: ComplaintFromEmailForm | None = None,
    status: int = 200,
) -> HttpResponse:
    text = inbox.inbound_text(email)
    context: dict[str, Any] = {
        "email": email,
        "reason": inbox.reason_label(email.reason),
        "sender": inbox.sender_address(email),
        "text": text,
        "quoted": email.text.strip() if email.text.strip() != text else "",
        "waiting": email.status == InboundStatus.REVIEW,
        "suggestions": inbox.ticket_suggestions(email),
        "attach_form": attach_form or AttachForm(),
        "complaint_form": complaint_form
        or ComplaintFromEmailForm(
            initial={
                "name": inbox.sender_name(email),
                "language": email_language(sender=inbox.sender_address(email), text=text),
            }
        ),
    }
    return render(request, "notifications/inbox_email.html", context, status=status)


def _email(pk: int) -> InboundEmail:
    return get_object_or_404(
        InboundEmail.objects.select_related("ticket__complaint", "complaint", "handled_by"), pk=pk
    )


@agent_required
@require_safe
def inbox_email(request: HttpRequest, pk: int) -> HttpResponse:
    """One email in full, with what it can become (or what became of it)."""
    return _detail(request, _email(pk))


def _already_handled(request: HttpRequest, email: InboundEmail) -> HttpResponse:
    messages.warning(
        request,
        _("This email was already handled (%(status)s), so nothing was done again.")
        % {"status": InboundEmail.objects.get(pk=email.pk).get_status_display()},
    )
    return redirect("inbox:email", pk=email.pk)


@agent_required
@require_POST
def inbox_attach(request: HttpRequest, pk: int) -> HttpResponse:
    """Add the email to the ticket whose reference the agent typed or picked."""
    email = _email(pk)
    form = AttachForm(request.POST)
    if not form.is_valid():
        return _detail(request, email, attach_form=form, status=400)
    try:
        ticket = inbox.inbound_attach(
            inbound_email=email,
            reference=form.cleaned_data["reference"],
            # agent_required let only a signed-in agent in.
            agent=cast(User, request.user),
        )
    except inbox.AlreadyHandled:
        return _already_handled(request, email)
    except ValidationError as error:
        form.add_error(None, error)  # a dict names the reference field
        return _detail(request, email, attach_form=form, status=400)
    messages.success(
        request,
        _("The email was added to %(reference)s as the customer’s message.")
        % {"reference": ticket.reference},
    )
    return redirect("inbox:list")


@agent_required
@require_POST
def inbox_complaint(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a complaint from the email, its sender as the customer."""
    email = _email(pk)
    form = ComplaintFromEmailForm(request.POST)
    if not form.is_valid():
        return _detail(request, email, complaint_form=form, status=400)
    try:
        complaint = inbox.inbound_complaint_open(
            inbound_email=email, agent=cast(User, request.user), **form.cleaned_data
        )
    except inbox.AlreadyHandled:
        return _already_handled(request, email)
    except ValidationError as error:  # the intake's rules: a text too short, no address
        form.add_error(None, error)
        return _detail(request, email, complaint_form=form, status=400)
    messages.success(
        request,
        _("Complaint %(reference)s opened from the email. Its ticket is in the queue.")
        % {"reference": complaint.reference},
    )
    return redirect("inbox:list")


@agent_required
@require_POST
def inbox_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    """Discard the email as spam."""
    email = _email(pk)
    try:
        inbox.inbound_dismiss(inbound_email=email, agent=cast(User, request.user))
    except inbox.AlreadyHandled:
        return _already_handled(request, email)
    messages.success(
        request,
        _("The email from %(sender)s was discarded as spam.")
        % {"sender": inbox.sender_address(email) or email.from_email},
    )
    return redirect("inbox:list")
