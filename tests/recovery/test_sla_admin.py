"""Managers edit the callback promise in the admin; agents cannot get in."""

from datetime import time

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from recovery.models import Holiday, OpeningHours, SlaSettings
from shared.roles import MANAGERS
from tests.factories import AgentFactory, ManagerFactory

pytestmark = pytest.mark.django_db
CHANGE_URL = reverse("admin:recovery_slasettings_change", args=[1])


def form_data(**changes):
    """What the SLA settings page posts, with no inline rows unless given."""
    data = {
        "high_hours": "24",
        "standard_hours": "48",
        "high_reply_hours": "24",
        "standard_reply_hours": "24",
        "first_reminder_percent": "50",
        "second_reminder_percent": "75",
        "time_zone": "Europe/Paris",
        "follow_up_days": "7",
        "opening_hours-TOTAL_FORMS": "0",
        "opening_hours-INITIAL_FORMS": "0",
        "holidays-TOTAL_FORMS": "0",
        "holidays-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def opening_row(weekday, opens, closes):
    return {
        "opening_hours-TOTAL_FORMS": "1",
        "opening_hours-0-sla": "1",
        "opening_hours-0-weekday": str(weekday),
        "opening_hours-0-opens": opens,
        "opening_hours-0-closes": closes,
    }


@pytest.fixture
def manager_client(client):
    # Not is_staff: being in the managers group is what lets them in.
    client.force_login(ManagerFactory(is_staff=False))
    return client


def test_manager_opens_the_sla_settings_page_with_its_sections(manager_client):
    response = manager_client.get(CHANGE_URL)
    assert response.status_code == 200
    fieldsets = [fieldset.name for fieldset in response.context["adminform"]]
    assert fieldsets == [
        "Callback windows",
        "Next-reply windows",
        "Reminders",
        "Opening hours",
        "Follow-up",
    ]
    inlines = [inline.opts.model for inline in response.context["inline_admin_formsets"]]
    assert inlines == [OpeningHours, Holiday]


def test_manager_saves_business_hours_with_an_opening_hours_row(manager_client):
    data = form_data(business_hours="on", high_hours="8", **opening_row(0, "09:00", "17:00"))
    response = manager_client.post(CHANGE_URL, data)
    assert response.status_code == 302
    sla = SlaSettings.current()
    assert sla.business_hours and sla.high_hours == 8
    assert [(row.weekday, row.opens, row.closes) for row in sla.opening_hours.all()] == [
        (0, time(9), time(17))
    ]


def test_manager_signs_in_to_the_admin_without_being_staff(client):
    ManagerFactory(username="morgan", is_staff=False)
    response = client.post(
        reverse("admin:login"),
        {"username": "morgan", "password": "pass-word-123", "next": CHANGE_URL},
    )
    assert response["Location"] == CHANGE_URL


def test_the_sla_list_goes_straight_to_the_one_row(manager_client):
    response = manager_client.get(reverse("admin:recovery_slasettings_changelist"))
    assert response["Location"] == CHANGE_URL


def test_manager_may_not_change_what_was_not_granted(manager_client):
    assert manager_client.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_managers_group_may_edit_the_sla_row_but_not_add_or_delete_it():
    granted = set(Group.objects.get(name=MANAGERS).permissions.values_list("codename", flat=True))
    assert granted == {
        "view_slasettings",
        "change_slasettings",
        *(f"{action}_openinghours" for action in ("add", "change", "delete", "view")),
        *(f"{action}_holiday" for action in ("add", "change", "delete", "view")),
        *(f"{action}_approvallimit" for action in ("add", "change", "delete", "view")),
        # The canned replies agents start from (tests/recovery/test_canned_replies.py).
        *(f"{action}_cannedreply" for action in ("add", "change", "delete", "view")),
        # The root causes agents name (tests/recovery/test_record_page.py).
        *(f"{action}_rootcause" for action in ("add", "change", "delete", "view")),
    }


def test_agent_cannot_open_the_sla_settings(client):
    client.force_login(AgentFactory())
    response = client.get(CHANGE_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_agent_cannot_save_the_sla_settings(client):
    client.force_login(AgentFactory())
    client.post(CHANGE_URL, form_data(high_hours="1"))
    assert SlaSettings.current().high_hours == 24


def test_agent_cannot_sign_in_to_the_admin(client):
    AgentFactory(username="alex")
    response = client.post(
        reverse("admin:login"), {"username": "alex", "password": "pass-word-123"}
    )
    assert response.status_code == 200
    assert not response.context["form"].is_valid()


def errors_of(response):
    assert response.status_code == 200
    return response.context["adminform"].form.errors


def test_an_unknown_time_zone_is_shown_as_a_form_error(manager_client):
    response = manager_client.post(CHANGE_URL, form_data(time_zone="Mars/Olympus_Mons"))
    assert errors_of(response)["time_zone"] == ["Enter a time zone such as Europe/Paris."]
    assert SlaSettings.current().time_zone == "Europe/Paris"


def test_a_second_reminder_before_the_first_is_shown_as_a_form_error(manager_client):
    data = form_data(first_reminder_percent="75", second_reminder_percent="50")
    response = manager_client.post(CHANGE_URL, data)
    assert errors_of(response)["second_reminder_percent"] == [
        "The second reminder must come after the first."
    ]


def test_closing_before_opening_is_shown_on_the_opening_hours_row(manager_client):
    response = manager_client.post(CHANGE_URL, form_data(**opening_row(0, "17:00", "09:00")))
    assert response.status_code == 200
    (opening_hours, _holidays) = response.context["inline_admin_formsets"]
    assert opening_hours.formset.errors == [
        {"closes": ["Closing time must be after opening time."]}
    ]
    assert not OpeningHours.objects.exists()


def test_managers_permissions_are_granted_even_before_auth_has_made_them():
    # post_migrate may reach recovery's handler before auth's for a new model.
    from django.apps import apps
    from django.contrib.auth.models import Permission

    from recovery.post_migrate import ensure_roles_and_sla

    Permission.objects.filter(content_type__app_label="recovery").delete()
    ensure_roles_and_sla(sender=apps.get_app_config("recovery"), using="default")
    managers = Group.objects.get(name=MANAGERS)
    assert managers.permissions.filter(codename="change_openinghours").exists()


def test_manager_sets_the_next_reply_windows_per_priority(manager_client):
    data = form_data(high_reply_hours="4", standard_reply_hours="12")
    assert manager_client.post(CHANGE_URL, data).status_code == 302
    sla = SlaSettings.current()
    assert (sla.reply_hours_for("high"), sla.reply_hours_for("standard")) == (4, 12)
