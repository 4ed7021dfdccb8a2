"""The customer's pages: the complaint form, its confirmation, and tracking."""

import logging

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from complaints import ratelimit
from complaints.forms import ComplaintForm
from complaints.models import Channel, Complaint
from complaints.selectors import complaint_already_filed, complaint_for_tracking, customer_timeline
from complaints.services import complaint_submit, intake_answers
from complaints.tracking import offered_lines, tracking_ledger, tracking_steps
from recovery.workflow import ticket_customer_message
from shared.client_ip import client_ip

logger = logging.getLogger(__name__)
SESSION_KEY = "amends_submitted"
# Whether that complaint had been sent before (the confirmation says so).
RESENT_KEY = "amends_submitted_again"


class TrackingMessageForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Add a message"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": gettext_lazy("Write your message before sending it.")},
    )


@require_http_methods(["GET", "POST"])
def complaint_new(request):
    if request.method == "GET":
        return render(request, "complaints/form.html", {"form": ComplaintForm()})

    form = ComplaintForm(request.POST, request.FILES)
    context = {"form": form, "files_dropped": bool(request.FILES)}
    if not form.is_valid():
        if "form_token" in form.errors:
            form.renew_token()
        return render(request, "complaints/form.html", context, status=400)

    data = form.cleaned_data
    # A refresh, a double click or Back then Send: answered with the complaint
    # already filed, before the rate limits can count or refuse it.
    ip = client_ip(request)
    existing = complaint_already_filed(
        idempotency_key=form.idempotency_key,
        email=data["email"],
        phone=data["phone"],
        description=data["description"],
        ip_address=ip,
    )
    created = False
    if existing is None:
        if ratelimit.intake_limited(ip=ip, email=data["email"], key=form.idempotency_key):
            context["rate_limited"] = True
            return render(request, "complaints/form.html", context, status=429)
        existing, created = complaint_submit(
            **intake_answers(data),
            channel=Channel.WEB,
            language=get_language() or settings.LANGUAGE_CODE,
            timezone_name=data["timezone"],
            attachments=data["attachments"],
            idempotency_key=form.idempotency_key,
            ip_address=ip,
        )
    request.session[SESSION_KEY] = existing.pk
    request.session[RESENT_KEY] = not created
    return redirect("complaints:submitted")


def complaint_submitted(request):
    """The confirmation: reference, callback promise and the private tracking link."""
    pk = request.session.get(SESSION_KEY)
    if not pk:
        return redirect("complaints:new")
    complaint = get_object_or_404(Complaint.objects.select_related("ticket", "customer"), pk=pk)
    return render(
        request,
        "complaints/submitted.html",
        {
            "complaint": complaint,
            "ticket": complaint.ticket,
            "already_sent": request.session.get(RESENT_KEY, False),
            "customer_timezone": complaint.timezone or settings.TIME_ZONE,
            "tracking_url": request.build_absolute_uri(
                reverse("complaints:track", args=[complaint.tracking_token])
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def complaint_track(request, token):
    complaint = complaint_for_tracking(token)
    ticket = getattr(complaint, "ticket", None)
    if ticket is None:
        raise Http404
    form = TrackingMessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ticket_customer_message(ticket=ticket, text=form.cleaned_data["text"])
        messages.success(request, _("Thank you. Your message has been added to your complaint."))
        return redirect("complaints:track", token=token)
    tracking_ledger(ticket)
    offered = offered_lines(ticket)
    reached, steps = tracking_steps(ticket, offered=offered)
    response = render(
        request,
        "complaints/track.html",
        {
            "complaint": complaint,
            "ticket": ticket,
            "reached": reached,
            "steps": steps,
            "offered": offered,
            "attachments": list(complaint.attachments.all()),
            "events": customer_timeline(ticket),
            "form": form,
            "customer_timezone": complaint.timezone or settings.TIME_ZONE,
        },
        status=400 if form.errors else 200,
    )
    # The token is the key to this page: never leak it to other sites. Not
    # "no-referrer": browsers then send "Origin: null" on the page's own forms
    # and the CSRF check refuses them.
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
def complaint_track_attachment(request, token, pk):
    """A file the customer sent, for the holder of the tracking link only, always as a download.

    Never shown inline: the file is the customer's own upload, checked by
    content, but it is served from our origin, so it must not render as a page.
    """
    complaint = complaint_for_tracking(token)
    attachment = get_object_or_404(complaint.attachments, pk=pk)
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        as_attachment=True,
        filename=attachment.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store"
    return response
