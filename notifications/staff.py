"""Who on the staff an alert goes to, and in which language.

Every staff email is queued through ``staff_recipients``: it returns each
address with its owner's language, so no caller can queue a French manager's
alert in English by passing ``settings.LANGUAGE_CODE``. People are named in
emails by ``shared.people.person_name``: their full name, the username only when they
have none (colleagues know each other by name, not by login).
"""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Coalesce

from notifications.models import StaffProfile
from shared.roles import is_agent


def _writable(users: QuerySet[User]) -> QuerySet[Any]:
    """Active users with an address, each with the language their emails are written in."""
    return (
        users.filter(is_active=True)
        .exclude(email="")
        .annotate(
            email_language=Coalesce(F("staff_profile__language"), Value(settings.LANGUAGE_CODE))
        )
    )


def staff_recipients(group: str) -> list[tuple[str, str]]:
    """``[(email, language)]`` of the active staff of ``group`` who can be written to.

    Users without an address are left out (an alert nobody can receive is not
    queued); a user who never chose a language gets the site's default.
    Ordered by address, so the rows of one event come in a stable order.
    """
    users = _writable(get_user_model().objects.filter(groups__name=group))
    return list(users.values_list("email", "email_language").distinct().order_by("email"))


def staff_recipients_by_user(pks: Iterable[int]) -> dict[int, tuple[str, str]]:
    """``{user id: (email, language)}`` for those of the users ``pks`` who can be written to."""
    users = _writable(get_user_model().objects.filter(pk__in=pks))
    return {
        pk: (email, language)
        for pk, email, language in users.values_list("pk", "email", "email_language")
    }


def staff_language_set(*, user: User | AnonymousUser, language: str) -> StaffProfile | None:
    """Remember ``language`` as the one ``user``'s emails are written in (staff only).

    Called when a staff member switches the interface language: the language
    they read the pages in is the one they read their alerts in.
    """
    if isinstance(user, AnonymousUser) or not is_agent(user):
        return None
    if language not in dict(settings.LANGUAGES):
        return None
    profile, _created = StaffProfile.objects.update_or_create(
        user=user, defaults={"language": language}
    )
    return profile
