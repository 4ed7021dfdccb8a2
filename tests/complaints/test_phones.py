"""Phone numbers are stored, searched and validated in one form: E.164."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from complaints.models import Customer
from complaints.selectors import customer_search
from complaints.services import customer_find_or_create
from shared.phones import to_e164
from tests.factories import CustomerFactory, ticketed_complaint


@pytest.fixture
def uk_region(settings):
    settings.AMENDS = {**settings.AMENDS, "DEFAULT_PHONE_REGION": "GB"}


@pytest.mark.parametrize(
    ("typed", "region", "stored"),
    [
        ("07911 123456", "GB", "+447911123456"),
        ("+44 7911 123456", "FR", "+447911123456"),
        ("0044 7911 123456", "FR", "+447911123456"),
        ("+44 (0)7911-123456", "GB", "+447911123456"),
        ("06 12 34 56 78", "FR", "+33612345678"),
        ("+33 6 12 34 56 78", "GB", "+33612345678"),
        # Ofcom's drama range: not "valid" in libphonenumber's tables, yet a
        # full-length UK mobile, and the number our demo customer has.
        ("+447700900123", "FR", "+447700900123"),
        ("07700 900123", "GB", "+447700900123"),
    ],
)
def test_every_way_of_typing_a_number_gives_one_e164_form(typed, region, stored):
    assert to_e164(typed, region) == stored


@pytest.mark.parametrize(
    ("typed", "region"),
    [
        ("12", "FR"),
        ("hello", "FR"),
        ("", "FR"),
        # A UK mobile read as a French national number has a digit too many.
        ("07911 123456", "FR"),
        # A French mobile read as a UK national number fits no UK range.
        ("06 12 34 56 78", "GB"),
        ("+999 123 456 789", "FR"),
        # Local-only: no area code, we could not call it back.
        ("2345678", "US"),
    ],
)
def test_what_cannot_be_a_phone_number_is_refused(typed, region):
    with pytest.raises(ValidationError):
        to_e164(typed, region)


@pytest.mark.django_db
@pytest.mark.usefixtures("uk_region")
@pytest.mark.parametrize("typed", ["07911 123456", "+44 7911 123456", "+447911123456"])
def test_customer_is_stored_with_the_same_number_however_it_was_typed(typed):
    customer = customer_find_or_create(name="Sam Patel", phone=typed)

    assert customer.phone == "+447911123456"
    assert customer_find_or_create(name="Sam Patel", phone="07911123456") == customer
    assert Customer.objects.count() == 1


@pytest.mark.django_db
def test_a_number_given_to_an_existing_customer_is_stored_normalised():
    customer = CustomerFactory(email="sam@example.com", phone="")

    customer_find_or_create(name="Sam", email="sam@example.com", phone="06 12 34 56 78")

    customer.refresh_from_db()
    assert customer.phone == "+33612345678"


@pytest.mark.django_db
@pytest.mark.usefixtures("uk_region")
@pytest.mark.parametrize("query", ["07700 900123", "+44 7700 900123", "+447700900123"])
def test_search_finds_a_customer_by_their_number_in_national_or_international_form(query):
    sam = CustomerFactory(name="Sam Patel", phone="+447700900123")
    CustomerFactory(name="Somebody Else", phone="+447911123456")

    assert customer_search(query) == [sam]


@pytest.mark.django_db
def test_number_typed_in_the_admin_is_stored_in_e164(client, admin_user):
    customer = CustomerFactory(name="Sam Patel", email="sam@example.com", phone="")
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:complaints_customer_change", args=[customer.pk]),
        {
            "name": "Sam Patel",
            "email": "sam@example.com",
            "phone": "06 12 34 56 78",
            "language": "fr",
            "timezone": "",
        },
    )

    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.phone == "+33612345678"


@pytest.mark.django_db
def test_migration_stores_existing_numbers_in_e164_and_leaves_unreadable_ones(settings):
    settings.AMENDS = {**settings.AMENDS, "DEFAULT_PHONE_REGION": "FR"}
    typed = CustomerFactory(phone="06 12 34 56 78")
    international = CustomerFactory(phone="+44 7700 900123")
    unreadable = CustomerFactory(phone="call reception")
    empty = CustomerFactory(phone="")
    migration = importlib.import_module("complaints.migrations.0003_phones_in_e164")

    migration.phones_to_e164(django_apps, None)

    for customer in (typed, international, unreadable, empty):
        customer.refresh_from_db()
    assert typed.phone == "+33612345678"
    assert international.phone == "+447700900123"
    assert unreadable.phone == "call reception"
    assert empty.phone == ""


@pytest.mark.django_db
@pytest.mark.usefixtures("uk_region")
def test_queue_search_finds_the_ticket_of_a_reserved_range_number_typed_nationally():
    from recovery.models import Ticket
    from recovery.queue import search_q

    sam = CustomerFactory(name="Sam Patel", phone="+447700900123")
    wanted = ticketed_complaint(customer=sam).ticket
    ticketed_complaint(customer=CustomerFactory(name="Somebody Else", phone="+447911123456"))

    assert list(Ticket.objects.filter(search_q("07700 900123"))) == [wanted]
