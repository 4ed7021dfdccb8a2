"""Reading tickets through the API: the queue, one ticket, and the managers' breach report."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from recovery.api.inputs import BreachQuery, QueueQuery
from recovery.api.pagination import KeysetCursorPagination
from recovery.api.permissions import IsManager
from recovery.api.serializers import BreachSerializer, TicketRowSerializer, TicketSerializer
from recovery.choices import CompensationStatus
from recovery.queue import QueueFilters, queue_tickets
from recovery.selectors import breached_tickets, compensations_approvable_by, ticket_for_api
from shared.identifiers import normalize_reference

REFERENCE_PARAMETER = OpenApiParameter(
    "reference",
    location=OpenApiParameter.PATH,
    description="The complaint's reference, such as AM-7K3Q-9XPD (any case, dashes optional).",
    pattern=r"^[A-Za-z0-9-]+$",
)


def ticket_or_404(request, view, reference):
    """The ticket with everything it shows, once the caller may see it; else 404."""
    reference = normalize_reference(reference)
    ticket = ticket_for_api(reference) if reference else None
    if ticket is None:
        raise NotFound(_("No ticket has this reference."))
    view.check_object_permissions(request, ticket)
    return ticket


def ticket_response(request, ticket, *, status=200):
    proposed = [c for c in ticket.compensations.all() if c.status == CompensationStatus.PROPOSED]
    approvable = compensations_approvable_by(compensations=proposed, user=request.user)
    context = {"request": request, "approvable": approvable}
    return Response(TicketSerializer(ticket, context=context).data, status=status)


def _query(serializer_class, request):
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data


class QueuePagination(KeysetCursorPagination):
    """Overdue and nearest deadline first, then tickets with none: ``ticket_queue_idx``'s order."""

    field = "due_at"


class TicketQueueView(ListAPIView):
    serializer_class = TicketRowSerializer
    pagination_class = QueuePagination
    error_statuses = (400,)

    @extend_schema(
        operation_id="tickets_list",
        summary="The queue",
        description="Open tickets (or, with a closed `status`, those), most urgent first: by "
        "next deadline (`due_at`), then those without one. Page with `next` and `previous`.",
        parameters=[QueueQuery],
    )
    def get(self, request, *args, **kwargs):
        # One "now" for the breached filter and every row's due state.
        self.now = timezone.now()
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        query = _query(QueueQuery, self.request)
        assignee = query.get("assignee", "")
        filters = QueueFilters(
            scope={"me": "mine", "none": "unassigned"}.get(assignee, "all"),
            status=query.get("status", ""),
            priority=query.get("priority", ""),
            category=query.get("category"),
            channel=query.get("channel", ""),
            breached=query["breached"],
        )
        return queue_tickets(
            filters=filters,
            user=self.request.user,
            assignee_id=int(assignee) if assignee.isdigit() else None,
            now=getattr(self, "now", None),
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": getattr(self, "now", None)}


class TicketDetailView(APIView):
    @extend_schema(
        operation_id="tickets_retrieve",
        summary="One ticket",
        description="The ticket with its complaint, customer, compensation ledger, callback "
        "attempts, timeline and emails (with their delivery status).",
        parameters=[REFERENCE_PARAMETER],
        responses=TicketSerializer,
    )
    def get(self, request, reference):
        return ticket_response(request, ticket_or_404(request, self, reference))


class BreachPagination(KeysetCursorPagination):
    """The latest breaches first."""

    field = "breached_at"
    descending = True


class BreachListView(ListAPIView):
    serializer_class = BreachSerializer
    pagination_class = BreachPagination
    permission_classes = [IsManager]
    error_statuses = (400,)

    @extend_schema(
        operation_id="sla_breaches_list",
        summary="Broken callback promises (managers)",
        description="Tickets the deadline sweep marked as breached, open or closed, latest "
        "first, with how late the first contact came (or still is).",
        parameters=[BreachQuery],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        query = _query(BreachQuery, self.request)
        return breached_tickets(
            since=query.get("from"),
            until=query.get("to"),
            assignee_id=query.get("assignee"),
            category_id=query.get("category"),
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}
