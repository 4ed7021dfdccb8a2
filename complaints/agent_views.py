"""Intake pages for agents: logging a phone complaint and finding the customer."""

from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from complaints.downloads import attachment_response
from complaints.forms import PhoneComplaintForm
from complaints.models import Attachment, Channel, Customer
from complaints.selectors import customer_complaints, customer_search
from complaints.services import complaint_file, intake_answers
from shared.roles import agent_required


@agent_required
@require_http_methods(["GET", "POST"])
def phone_complaint_new(request: HttpRequest) -> HttpResponse:
    customer = None
    initial: dict[str, object] = {"language": settings.LANGUAGE_CODE}
    customer_id = request.POST.get("customer_id") or request.GET.get("customer")
    if customer_id and str(customer_id).isdigit():
        customer = Customer.objects.filter(pk=customer_id).first()
        if customer:
            initial.update(
                customer_id=customer.pk,
                name=customer.name,
                email=customer.email,
                phone=customer.phone,
                language=customer.language,
            )
    form = PhoneComplaintForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            return _phone_complaint_file(request, form, customer=customer)
        except ValidationError as error:  # the intake's rules, shown on the form
            form.add_error(None, error)
    earlier = customer_complaints(customer) if customer else []
    return render(
        request,
        "complaints/phone_intake.html",
        {"form": form, "customer": customer, "earlier": earlier},
        status=400 if form.errors else 200,
    )


def _phone_complaint_file(
    request: HttpRequest, form: PhoneComplaintForm, *, customer: Customer | None
) -> HttpResponse:
    """File what the agent typed and go to its ticket, saying whether it was new."""
    data = form.cleaned_data
    complaint, created = complaint_file(
        customer=customer,
        **intake_answers(data),
        channel=Channel.PHONE,
        language=data["language"],
        idempotency_key=form.idempotency_key,
        # agent_required let only a signed-in agent in.
        logged_by=cast(User, request.user),
    )
    if created:
        messages.success(
            request,
            _("Complaint %(reference)s logged. Its ticket is in the queue.")
            % {"reference": complaint.reference},
        )
    else:
        messages.info(
            request,
            _(
                "This complaint was already logged as %(reference)s a moment ago, so it "
                "was not logged twice. Here is its ticket."
            )
            % {"reference": complaint.reference},
        )
    return redirect("agent:ticket", reference=complaint.reference)


@agent_required
def customer_lookup(request: HttpRequest) -> HttpResponse:
    """Customers matching what the agent typed: email, phone, name or reference."""
    query = request.GET.get("q", "")
    return render(
        request,
        "complaints/_customer_lookup.html",
        {"query": query, "customers": customer_search(query)},
    )


@agent_required
@require_safe
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """Any complaint's file, for staff only, always as a download (``complaints.downloads``)."""
    return attachment_response(get_object_or_404(Attachment, pk=pk))
