"""Who may use which API route: the roles of the agents' pages (``shared.roles``).

An anonymous caller is refused with 401 (DRF turns a failed permission into
NotAuthenticated when nobody logged in); a logged-in user without the role
gets 403. Agents see every ticket, as on the pages; the object check is kept
anyway so that a narrower rule has one place to go.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from shared.roles import is_agent, is_manager


class IsAgent(BasePermission):
    message = _("Only agents and managers can do this.")

    def has_permission(self, request, view):
        return is_agent(request.user)

    def has_object_permission(self, request, view, obj):
        return is_agent(request.user)


class IsManager(BasePermission):
    message = _("Only managers can do this.")

    def has_permission(self, request, view):
        return is_manager(request.user)

    def has_object_permission(self, request, view, obj):
        return is_manager(request.user)
