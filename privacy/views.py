"""The customer's page: their complaints and our history with them; for managers, export and erasure.

Agents open it from a ticket or the queue to see the whole relationship
before they call (every complaint, what we gave, how they rated us). What
the page leads to with the data itself, the export and the erasure, stays
with managers.
"""

import tempfile

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from complaints.models import Customer
from privacy.customer_page import customer_page as customer_page_data
from privacy.models import PrivacyAction
from privacy.selectors import customer_complaints
from privacy.services import customer_erase, customer_export
from shared.roles import agent_required, is_manager, manager_required


def _manager(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # manager_required let only signed-in managers in
    return user


@agent_required
@require_safe
def customer_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The same queries however many complaints the customer has (tests/privacy/test_customer_page.py)."""
    customer = get_object_or_404(Customer, pk=pk)
    page = customer_page_data(customer=customer)
    manager = is_manager(request.user)
    return render(
        request,
        "privacy/customer.html",
        {
            "customer": customer,
            "page": page,
            "complaints": page.complaints,
            "open_count": page.open_count,
            "is_manager": manager,
            "actions": (
                PrivacyAction.objects.filter(customer_id=customer.pk).select_related("actor")[:20]
                if manager
                else []
            ),
        },
    )


@manager_required
@require_POST
def customer_export_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The ZIP, streamed from a spooled file: attachments can make it large."""
    customer = get_object_or_404(Customer, pk=pk)
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115  # FileResponse closes it
    customer_export(customer=customer, out=out, actor=_manager(request))
    out.seek(0)
    name = f"customer-{customer.pk}-{timezone.localdate():%Y%m%d}.zip"
    return FileResponse(out, as_attachment=True, filename=name, content_type="application/zip")


@manager_required
@require_http_methods(["GET", "HEAD", "POST"])
def customer_erase_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation (typing the customer's number); POST with it erases."""
    customer = get_object_or_404(Customer, pk=pk)
    complaints = list(customer_complaints(customer=customer))
    error = ""
    if request.method == "POST":
        if request.POST.get("confirm", "").strip() == str(customer.pk):
            customer_erase(customer=customer, actor=_manager(request))
            messages.success(request, _("The customer's personal data was erased."))
            return redirect("privacy:customer", pk=customer.pk)
        error = _("Type the customer's number to confirm.")
    return render(
        request,
        "privacy/erase_confirm.html",
        {
            "customer": customer,
            "complaints": complaints,
            "open_count": sum(1 for c in complaints if c.ticket.is_open),
            "error": error,
        },
        status=400 if error else 200,
    )
