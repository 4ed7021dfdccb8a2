"""The agents' queue: open tickets, what is due first on top; claim and bulk-assign."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from complaints.models import Category, Channel
from recovery.choices import OPEN_STATUSES, Priority, Status
from recovery.queue import QueueFilters, ticket_queue
from recovery.queue_sorts import JOINED_SORT_WINDOW, JOINED_SORTS
from recovery.selectors import assignable_agents
from recovery.services import tickets_assign
from shared.roles import agent_required, is_agent


def sort_headers(filters: QueueFilters, params) -> list[dict[str, str]]:
    """The table's column headers: each a link to its sort, the current one marked for aria-sort.

    A header's link keeps the search, filters and tab, and goes back to the
    first page; on the sorted column it turns the order around.
    """
    labels = {
        "reference": _("Reference"),
        "customer": _("Customer"),
        "category": _("Topic"),
        "priority": _("Priority"),
        "status": _("Status"),
        "opened": _("Opened"),
        "due": _("Due"),
        "assignee": _("Assignee"),
    }
    kept = params.copy()
    kept.pop("sort", None)
    headers = []
    for key, label in labels.items():
        current = filters.sort == key
        kept["sort"] = f"-{key}" if current and not filters.descending else key
        headers.append(
            {
                "key": key,
                "label": label,
                "href": "?" + kept.urlencode(),
                "aria_sort": ("descending" if filters.descending else "ascending")
                if current
                else "",
            }
        )
    return headers


@agent_required
def queue(request):
    filters = QueueFilters.from_params(request.GET)
    page = request.GET.get("page", "1")
    page = int(page) if page.isdigit() and len(page) < 6 else 1
    now = timezone.now()
    result = ticket_queue(filters=filters, user=request.user, page=page, now=now)
    params = request.GET.copy()
    params.pop("page", None)
    # A tab changes the scope (or the breached toggle) and keeps the search and filters.
    kept = params.copy()
    kept.pop("scope", None)
    kept_unbreached = kept.copy()
    kept_unbreached.pop("breached", None)
    context = {
        "page": result,
        "tickets": result.tickets,
        "filters": filters,
        "now": now,
        "query_string": params.urlencode(),
        "tab_query": kept.urlencode(),
        "breached_tab_query": kept_unbreached.urlencode(),
        "sort_headers": sort_headers(filters, params),
        # A joined column's sort covers the tickets due first (recovery.queue_sorts).
        "sort_window": JOINED_SORT_WINDOW
        if filters.sort in JOINED_SORTS and result.counts.get("all", 0) > JOINED_SORT_WINDOW
        else 0,
        "scopes": [
            ("all", _("All")),
            ("mine", _("Mine")),
            ("unassigned", _("Unassigned")),
            ("escalated", _("Escalation list")),
            ("awaiting", _("Awaiting approval")),
        ],
        "statuses": [s for s in Status if s in OPEN_STATUSES],
        "priorities": Priority.choices,
        "channels": Channel.choices,
        "categories": list(Category.objects.all()),
        "agents": assignable_agents(),
    }
    # htmx refreshes only the results every 30 s, keeping the filters.
    template = (
        "recovery/_queue_results.html"
        if request.headers.get("HX-Request")
        else "recovery/queue.html"
    )
    return render(request, template, context)


@agent_required
@require_POST
def queue_assign(request):
    """Claim one ticket, or give the ticked ones to an agent (or to nobody)."""
    target = request.POST.get("assignee", "")
    ids = [pk for pk in request.POST.getlist("tickets") if pk.isdigit()]
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    if target == "me":
        assignee = request.user
    elif target == "nobody":
        assignee = None
    else:
        assignee = get_user_model().objects.filter(pk=target if target.isdigit() else None).first()
        if assignee is None or not is_agent(assignee):
            messages.error(request, _("Choose an agent to assign the tickets to."))
            return redirect(back or "agent:queue")
    if not ids:
        messages.error(request, _("Tick at least one ticket first."))
        return redirect(back or "agent:queue")
    counts = tickets_assign(assignee=assignee, actor=request.user, ids=ids)
    messages.success(
        request,
        _("%(assigned)d assigned, %(unchanged)d unchanged.") % counts
        + (
            " " + _("%(conflicts)d changed meanwhile: try again.") % counts
            if counts["conflicts"]
            else ""
        ),
    )
    return redirect(back or "agent:queue")
