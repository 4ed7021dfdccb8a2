"""The REST API's routes under /api/: version 1, its OpenAPI schema and the schema's docs pages.

The views live in their apps (``complaints.api``, ``recovery.api``); the
error shape and the schema's error answers are in ``config.rest``.
"""

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.http import JsonResponse
from django.urls import include, path, re_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from complaints.api import ComplaintCreateView
from config.rest import error_body
from recovery.api.actions import step_urls
from recovery.api.customer import CustomerMessageView
from recovery.api.views import BreachListView, TicketDetailView, TicketQueueView


@csrf_exempt
def not_found(request, *args, **kwargs):
    """Any other address under /api/: a 404 in the API's shape, not the site's HTML page.

    It also stands in for APPEND_SLASH's redirect, which would turn a POST
    into a GET that loses its body: the message says what is missing instead.
    """
    if request.path.endswith("/"):
        message = _("There is nothing at this address.")
    else:
        message = _("There is nothing at this address; API addresses end with a slash.")
    return JsonResponse(error_body("not_found", message), status=404)


app_name = "api"
v1 = [
    path("complaints/", ComplaintCreateView.as_view(), name="complaints"),
    path("tickets/", TicketQueueView.as_view(), name="tickets"),
    path("tickets/<str:reference>/", TicketDetailView.as_view(), name="ticket"),
    *step_urls(),
    path("sla/breaches/", BreachListView.as_view(), name="sla_breaches"),
    path("track/<str:token>/messages/", CustomerMessageView.as_view(), name="track_messages"),
]


def docs_page(view):
    # Replaced, not added to: beside a nonce or a hash, browsers ignore 'unsafe-inline'.
    # Redoc parses the schema in a worker it builds from a blob.
    policy = {"style-src": [SELF, UNSAFE_INLINE], "worker-src": [SELF, "blob:"]}
    return csp_replace(policy)(view.as_view(url_name="api:schema"))


urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The documentation's own scripts are files (the split view serves Swagger's
    # set-up script from its own URL); only their styles need inline, which
    # the two viewers inject at run time (config/security.py), and Redoc a worker.
    path("docs/", docs_page(SpectacularSwaggerSplitView), name="docs"),
    path("redoc/", docs_page(SpectacularRedocView), name="redoc"),
    re_path(r"^.*$", not_found),
]
