"""The steps on a ticket through the API: one POST route per line of ``recovery.steps.STEPS``.

``TicketStepView`` answers the same way for all of them, like the pages'
``run_step``: the ticket as it now is (200, or 201 when the step added a
call, a ledger line or a note), or an error from ``config.rest.exception_handler``:
400 with the service's messages by field, 409 for a move the ticket cannot
make or a stale ``version``, 403 for an approval above the caller's authority.
Nothing changed in any of those cases: the services write all or nothing.
"""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.views import APIView

from recovery.api.permissions import IsAgent
from recovery.api.serializers import TicketSerializer
from recovery.api.views import REFERENCE_PARAMETER, ticket_or_404, ticket_response
from recovery.message_files import Files
from recovery.models import Compensation
from recovery.steps import AGENT, STEPS, Step

_PERMISSION = {AGENT: IsAgent}


class TicketStepView(APIView):
    step: Step
    error_statuses = (409,)

    def post(self, request, reference, compensation_id=None):
        ticket = ticket_or_404(request, self, reference)
        compensation = None
        if compensation_id is not None:
            compensation = Compensation.objects.filter(pk=compensation_id, ticket=ticket).first()
            if compensation is None:
                raise NotFound(_("This ticket has no such compensation."))
            # The very ticket the version check reads, as on the pages.
            compensation.ticket = ticket
        body = self.step.api_input(data=request.data)
        body.is_valid(raise_exception=True)
        self.step.perform(
            ticket=ticket, compensation=compensation, actor=request.user, data=body.validated_data
        )
        # Read again: the services changed the ticket and its lists.
        fresh = ticket_or_404(request, self, ticket.complaint.reference)
        return ticket_response(request, fresh, status=201 if self.step.creates else 200)


def step_view(step):
    """The view for one line of ``STEPS``, documented with its body and answer."""
    parameters = [REFERENCE_PARAMETER]
    if step.on_line:
        parameters.append(
            OpenApiParameter(
                "compensation_id",
                int,
                OpenApiParameter.PATH,
                description="The ledger line's id.",
            )
        )

    # A method of its own per step: extend_schema marks the function it decorates.
    @extend_schema(
        operation_id=f"tickets_{step.name}",
        summary=step.summary,
        parameters=parameters,
        request=step.api_input,
        responses={201 if step.creates else 200: TicketSerializer},
    )
    def post(self, request, reference, compensation_id=None):
        return TicketStepView.post(self, request, reference, compensation_id)

    attributes = {"step": step, "post": post, "permission_classes": [_PERMISSION[step.who]]}
    if any(isinstance(field, Files) for field in step.fields):
        # Files come as multipart/form-data; the rest of the body may still be JSON.
        attributes["parser_classes"] = [JSONParser, MultiPartParser]
    view = type(f"Ticket_{step.name}_View", (TicketStepView,), attributes)
    return view.as_view()


def step_urls():
    """Every step, posted under the ticket's address (``api:ticket_<name>``)."""
    return [
        path(f"tickets/<str:reference>/{step.route}", step_view(step), name=f"ticket_{step.name}")
        for step in STEPS
    ]
