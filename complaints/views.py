"""The customer's pages: the complaint form and its confirmation.

The tracking page reads the recovery, a layer above: it lives in
``recovery.views.tracking``, under the same URLs and names.
"""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods

from complaints.forms import ComplaintForm
from complaints.models import Channel, Complaint
from complaints.services import IntakeRateLimited, complaint_file, intake_answers
from shared.client_ip import client_ip

logger = logging.getLogger(__name__)
SESSION_KEY = "amends_submitted"
# Whether that complaint had been sent before (the confirmation says so).
RESENT_KEY = "amends_submitted_again"


@require_http_methods(["GET", "POST"])
def complaint_new(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "complaints/form.html", {"form": ComplaintForm()})

    form = ComplaintForm(request.POST, request.FILES)
    context = {"form": form, "files_dropped": bool(request.FILES)}
    if not form.is_valid():
        if "form_token" in form.errors:
            form.renew_token()
        return render(request, "complaints/form.html", context, status=400)

    data = form.cleaned_data
    try:
        complaint, created = complaint_file(
            **intake_answers(data),
            channel=Channel.WEB,
            language=get_language() or settings.LANGUAGE_CODE,
            timezone_name=data["timezone"],
            attachments=data["attachments"],
            idempotency_key=form.idempotency_key,
            ip_address=client_ip(request),
        )
    except ValidationError as error:
        form.add_error(None, error)
        return render(request, "complaints/form.html", context, status=400)
    except IntakeRateLimited:
        context["rate_limited"] = True
        return render(request, "complaints/form.html", context, status=429)
    # A refresh, a double click or Back then Send lands here too, with the
    # complaint already filed: the confirmation says it was sent before.
    request.session[SESSION_KEY] = complaint.pk
    request.session[RESENT_KEY] = not created
    return redirect("complaints:submitted")


def complaint_submitted(request: HttpRequest) -> HttpResponse:
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
