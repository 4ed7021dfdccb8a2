"""The admin site, open to managers as well as to staff accounts.

Managers edit the callback promise and the approval limits there; making each
of them ``is_staff`` by hand is a step people forget, so being in the managers
group is enough to get in. What they may see and change inside is still set
by permissions (``recovery.post_migrate.MANAGER_PERMISSIONS``). Agents stay out.

With ``AMENDS_MANAGER_2FA`` on, the site is also closed to a session that has
not given a two-factor code, as django-otp's ``OTPAdminSite`` would be
(``config.two_factor.middleware`` sends it to enrol or verify before it gets here).
"""

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from config.two_factor.rules import two_factor_satisfied
from shared.roles import is_manager


def may_use_admin(user):
    return user.is_active and (user.is_staff or is_manager(user))


class AdminLoginForm(AdminAuthenticationForm):
    """The admin sign-in, which lets managers in as well as staff accounts."""

    def confirm_login_allowed(self, user):
        # Skips AdminAuthenticationForm's own check, which asks for is_staff.
        AuthenticationForm.confirm_login_allowed(self, user)
        if not may_use_admin(user):
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


class AmendsAdminSite(admin.AdminSite):
    login_form = AdminLoginForm

    def has_permission(self, request):
        return may_use_admin(request.user) and two_factor_satisfied(request)
