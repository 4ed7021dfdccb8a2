"""The REST API's frame: its one error shape and how its schema documents errors.

Every error, whatever raised it, answers ``{"error": {"code", "message",
"fields"}}``: ``code`` is stable for programs (``invalid``, ``not_found``,
``illegal_transition``...), ``message`` is for people, in the request's
language, and ``fields`` maps a field to its messages (empty unless the
input was wrong). Routes are in ``config.api`` and throttles in
``config.throttles``: settings name these by path, and DRF resolves some of
them while importing its views, so none of them may import the views.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.signals import got_request_exception
from django.http import Http404, JsonResponse
from django.utils.log import log_response
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from rest_framework import exceptions, serializers
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from recovery.errors import ApprovalDenied, IllegalTransition, StaleTicket, WorkflowError

# --- Errors -------------------------------------------------------------------


class Conflict(exceptions.APIException):
    status_code = 409
    default_code = "conflict"


def _as_api_exception(exc):
    """The services' own errors, as the HTTP errors the API promises for them."""
    if isinstance(exc, ApprovalDenied):
        return exceptions.PermissionDenied(str(exc), code="approval_denied")
    if isinstance(exc, StaleTicket):
        return Conflict(str(exc), code="stale_ticket")
    if isinstance(exc, IllegalTransition):
        return Conflict(str(exc), code="illegal_transition")
    if isinstance(exc, WorkflowError):
        return Conflict(str(exc))
    if isinstance(exc, DjangoValidationError):
        # Keyed by the service's argument names, which are the body's field names.
        return exceptions.ValidationError(serializers.as_serializer_error(exc))
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    return exc


def _flatten(detail, prefix=""):
    """``(fields, general)``: messages by dotted field path, and those about no field."""
    fields, general = {}, []
    if isinstance(detail, dict):
        for key, value in detail.items():
            if key == api_settings.NON_FIELD_ERRORS_KEY:
                general.extend(_flatten(value, prefix)[1])
                continue
            sub_fields, sub_general = _flatten(value, f"{prefix}{key}.")
            fields.update(sub_fields)
            if sub_general:
                fields[f"{prefix}{key}"] = sub_general
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            if isinstance(value, dict | list):
                sub_fields, sub_general = _flatten(value, f"{prefix}{index}.")
                fields.update(sub_fields)
                general.extend(sub_general)
            else:
                general.append(str(value))
    else:
        general.append(str(detail))
    return fields, general


def error_body(code, message, fields=None):
    return {"error": {"code": code, "message": str(message), "fields": fields or {}}}


def exception_handler(exc, context):
    """DRF's handler (status, headers such as Retry-After), reshaped; anything else is a 500."""
    exc = _as_api_exception(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return _server_error(exc, context)
    if isinstance(exc, exceptions.ValidationError):
        fields, general = _flatten(exc.detail)
        message = general[0] if general else _("Some fields are not valid; see “fields”.")
        response.data = error_body("invalid", message, fields)
        return response
    code = exc.get_codes()
    code = code if isinstance(code, str) else exc.default_code
    general = _flatten(exc.detail)[1]
    response.data = error_body(code, general[0] if general else exc.default_detail)
    return response


def _server_error(exc, context):
    request = context["request"]
    response = JsonResponse(
        error_body("server_error", _("Something went wrong on our side. Please try again later.")),
        status=500,
    )
    # What Django does for an unhandled error: log it with its traceback and tell
    # the receivers (error reporting; the test client, which re-raises it).
    log_response(
        "Internal Server Error: %s", request.path, response=response, request=request, exception=exc
    )
    got_request_exception.send(sender=None, request=request._request)
    return response


# --- Schema -------------------------------------------------------------------


class ErrorDetailSerializer(serializers.Serializer):
    # (A declared field may be called "fields": DRF's metaclass moves it aside.)
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(  # type: ignore[assignment]  # a field, moved aside by DRF
        child=serializers.ListField(child=serializers.CharField())
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


ERROR_DESCRIPTIONS = {
    "400": "Invalid input: `fields` holds the messages by field.",
    "401": "No credentials, or wrong ones: send `Authorization: Token <key>`.",
    "403": "Your role does not allow this (or the approval is above your limit).",
    "404": "No such ticket or compensation.",
    "409": "The ticket cannot make this move now, or changed since `version`.",
    "415": "The body must be JSON (or multipart/form-data where files are sent).",
    "422": "This Idempotency-Key was used with another body.",
    "429": "Too many requests: see `Retry-After`.",
}


class ApiAutoSchema(AutoSchema):
    """Documents the error answers of every operation, so that a client (and schemathesis) knows them.

    Each operation gets the errors any call may meet (401, 403, 429), 404 with
    a path parameter, 400 and 415 with a body, and those its view names in
    ``error_statuses``. (``_get_response_bodies`` is drf-spectacular's one
    place where the responses are put together, and what ``extend_schema``
    overrides feed; extending it keeps them.)
    """

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = {"401", "403", "429"}
        if "{" in self.path:
            codes.add("404")
        if self.method in ("POST", "PUT", "PATCH"):
            codes |= {"400", "415"}
        codes |= {str(code) for code in getattr(self.view, "error_statuses", ())}
        for code in sorted(codes):
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                responses[code] = {**response, "description": ERROR_DESCRIPTIONS[code]}
        return responses


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """The schema's name for our tokens (config.tokens): "Authorization: Token …", as before."""

    target_class = "config.tokens.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(
            header_name="Authorization",
            token_prefix="Token",  # noqa: S106 (the header's keyword, not a secret)
        )
