"""Two-factor sign-in for staff: an authenticator app (TOTP) and one-time recovery codes.

Built on django-otp. A password opens a session, but a user with a confirmed
device owes a code before that session reaches anything (``middleware``);
with ``AMENDS_MANAGER_2FA`` on, managers and admin users must also enrol
before they reach a staff page (``rules.two_factor_required``).
"""
