"""factory_boy factories for the whole project."""

from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from complaints.identifiers import new_reference, new_tracking_token
from complaints.models import Category, Channel, Complaint, Customer
from recovery.choices import Priority
from recovery.workflow import ticket_open


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@amends.test")
    first_name = factory.Faker("first_name")
    password = factory.PostGenerationMethodCall("set_password", "pass-word-123")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        self.save()
        for name in extracted or ():
            self.groups.add(Group.objects.get(name=name))


class AgentFactory(UserFactory):
    username = factory.Sequence(lambda n: f"agent{n}")
    groups = ["agents"]


class ManagerFactory(UserFactory):
    username = factory.Sequence(lambda n: f"manager{n}")
    groups = ["managers"]


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name_en = factory.Sequence(lambda n: f"Delivery {n}")
    name_fr = factory.Sequence(lambda n: f"Livraison {n}")
    default_priority = Priority.STANDARD


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"customer{n}@example.com")
    language = "en"


class ComplaintFactory(factory.django.DjangoModelFactory):
    """A complaint as intake saves it; ``TicketedComplaintFactory`` also opens its ticket."""

    class Meta:
        model = Complaint

    reference = factory.LazyFunction(new_reference)
    tracking_token = factory.LazyFunction(new_tracking_token)
    customer = factory.SubFactory(CustomerFactory)
    category = factory.SubFactory(CategoryFactory)
    channel = Channel.WEB
    description = "The parcel arrived crushed and the vase inside was broken."
    consent_to_contact = True
    language = "en"
    submitted_at = factory.LazyFunction(timezone.now)


def ticketed_complaint(**kwargs):
    complaint = ComplaintFactory(**kwargs)
    ticket_open(complaint=complaint)
    complaint.refresh_from_db()
    return complaint


def days_ago(days):
    return timezone.now() - timedelta(days=days)
