"""Canned replies on the page: the managers' list and form, and the ticket page's picker.

Managers keep the library here or in the admin (both save through
``recovery.canned.canned_reply_save``). The ticket page offers it in the
forms whose words the customer reads (``PICKER_FORMS``); the offer is built
by ``canned_picker`` in one query, already filled in for the ticket.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.models import AbstractUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from recovery.canned import Offer, canned_replies_offered, canned_reply_save
from recovery.models import CannedKind, CannedReply, Ticket
from shared.roles import manager_required

# The ticket page's forms that take a canned text: prefix → (the field it fills, what it offers).
PICKER_FORMS = {
    "ack": ("message", CannedKind.REPLY),
    "apology": ("text", CannedKind.APOLOGY),
    "message": ("text", CannedKind.REPLY),
}


def canned_picker(
    *, ticket: Ticket, agent: AbstractUser | None, chosen: tuple[str, int] | None = None
) -> tuple[dict[str, list[Offer]], dict[str, dict[str, str]]]:
    """What each picker form offers, and the initial text of the one a reply was chosen for.

    ``chosen`` is (prefix, reply id) from the "use this reply" link, followed
    without JavaScript: the page comes back with that form filled in. An id
    not offered for that form is ignored.
    """
    offers = canned_replies_offered(ticket=ticket, agent=agent)
    by_form = {
        prefix: [o for o in offers if o.reply.kind == kind]
        for prefix, (_field, kind) in PICKER_FORMS.items()
    }
    initial: dict[str, dict[str, str]] = {}
    if chosen and chosen[0] in by_form:
        prefix, pk = chosen
        offer = next((o for o in by_form[prefix] if o.reply.pk == pk), None)
        if offer is not None:
            initial[prefix] = {PICKER_FORMS[prefix][0]: offer.text}
    return by_form, initial


def canned_chosen(request: HttpRequest) -> tuple[str, int] | None:
    """The (form prefix, reply id) a "use this reply" link asks for, if it is well formed."""
    into, pk = request.GET.get("into", ""), request.GET.get("canned", "")
    if into in PICKER_FORMS and pk.isdigit() and len(pk) < 10:
        return into, int(pk)
    return None


class CannedReplyForm(forms.ModelForm):
    class Meta:
        model = CannedReply
        fields = ("title", "kind", "language", "category", "text", "active")
        widgets = {"text": forms.Textarea(attrs={"rows": 8})}


@manager_required
@require_safe
def canned_list(request: HttpRequest) -> HttpResponse:
    replies = CannedReply.objects.select_related("category", "updated_by")
    return render(request, "recovery/canned_list.html", {"replies": replies})


@manager_required
@require_http_methods(["GET", "HEAD", "POST"])
def canned_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    reply = get_object_or_404(CannedReply, pk=pk) if pk is not None else None
    form = CannedReplyForm(request.POST or None, instance=reply)
    if request.method == "POST" and form.is_valid():
        canned_reply_save(reply=form.instance, actor=request.user)  # type: ignore[arg-type]
        messages.success(request, _("Canned reply saved."))
        return redirect("agent:canned_list")
    status = 400 if form.is_bound else 200
    context = {"form": form, "reply": reply}
    return render(request, "recovery/canned_form.html", context, status=status)
