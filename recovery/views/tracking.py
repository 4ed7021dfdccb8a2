"""The customer's tracking page, opened by the private link in their emails.

It shows the complaint through its ticket (stage, timeline, what was offered)
and lets the customer add a message to the ticket, so it belongs to recovery;
its URLs keep their public names (``complaints:track``, see
``recovery.tracking_urls``) and its templates sit with the other customer pages.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from complaints.downloads import attachment_response
from recovery.merges import attachments_joined
from recovery.message_files import events_files
from recovery.tracking import (
    complaint_for_tracking,
    customer_timeline,
    offered_lines,
    tracking_ledger,
    tracking_steps,
)
from recovery.workflow import ticket_customer_message


class TrackingMessageForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Add a message"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": gettext_lazy("Write your message before sending it.")},
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
        return redirect("complaints:track", token=complaint.merged_into_token or token)
    if complaint.merged_into_token:
        # Merged into another of the customer's complaints, whose page tells the whole story
        # (a message sent from here went there too: ticket_customer_message follows it).
        return _private(redirect("complaints:track", token=complaint.merged_into_token))
    tracking_ledger(ticket)
    offered = offered_lines(ticket)
    # With the files of the complaints merged into this one, each with its reference.
    attachments = list(attachments_joined(complaint))
    events = customer_timeline(ticket)
    # Files from our team are listed under the message they came with.
    events_files(events, attachments)
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
            "attachments": [a for a in attachments if a.added_by_id is None],
            "events": events,
            "form": form,
            "customer_timezone": complaint.timezone or settings.TIME_ZONE,
        },
        status=400 if form.errors else 200,
    )
    return _private(response)


def _private(response):
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
    # The survivor's link serves the files of the complaints merged into it too.
    attachment = get_object_or_404(attachments_joined(complaint), pk=pk)
    return attachment_response(attachment)
