"""factory_boy factories for the whole project."""

from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from complaints.models import Category, Channel, Complaint, Customer
from notifications.models import Notification, NotificationKind
from recovery.choices import AcknowledgeMethod, CompensationKind, EventKind, Priority, Status
from recovery.models import Ticket
from recovery.sla import callback_columns, priority_for_complaint
from recovery.workflow import due_at_for, event_record, ticket_merge, ticket_open
from shared.identifiers import new_reference, new_tracking_token


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
        _join(self, extracted or ())


def _join(user, names):
    user.save()
    for name in names:
        # get_or_create: a transactional test's flush may have removed the
        # groups the data migration made.
        user.groups.add(Group.objects.get_or_create(name=name)[0])


class AgentFactory(UserFactory):
    username = factory.Sequence(lambda n: f"agent{n}")

    # A plain `groups = [...]` would replace the post-generation hook with a
    # model field value (and fail); the hook itself carries the default.
    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        _join(self, extracted or ("agents",))


class ManagerFactory(UserFactory):
    username = factory.Sequence(lambda n: f"manager{n}")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        _join(self, extracted or ("managers",))


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


def ticketed_complaint(*, ticket=None, **kwargs):
    """A complaint and its ticket, opened by ``ticket_open``; or inserted with ``ticket`` columns.

    ``ticket`` (a dict of columns) gives a ticket as later steps would have
    left it, written whole when its row is created: after creation only
    ``recovery.workflow`` writes a ticket row (tests/recovery/test_single_writer.py).
    """
    complaint = ComplaintFactory(**kwargs)
    if ticket is None:
        ticket_open(complaint=complaint)
    else:
        ticket_insert(complaint=complaint, **ticket)
    complaint.refresh_from_db()
    return complaint


def ticket_insert(*, complaint, **columns):
    """What ``ticket_open`` writes for ``complaint``, with ``columns`` in place of its values.

    The priority and the callback promise are the SLA's (the same functions
    ``ticket_open`` calls; a test holds the two equal), ``due_at`` follows
    from the deadlines unless given, and the OPENED event says what
    ``ticket_open`` would have said.
    """
    priority = priority_for_complaint(complaint=complaint)
    row = {
        "status": Status.NEW,
        "priority": priority,
        "opened_at": complaint.submitted_at,
        **callback_columns(submitted_at=complaint.submitted_at, priority=priority),
        **columns,
    }
    row.setdefault("due_at", due_at_for({}, ticket=Ticket(**row)))
    ticket = Ticket.objects.create(complaint=complaint, **row)
    event_record(
        ticket=ticket,
        kind=EventKind.OPENED,
        customer_visible=True,
        to_status=Status.NEW,
        payload={"channel": complaint.channel, "priority": priority},
        at=complaint.submitted_at,
    )
    return ticket


def days_ago(days):
    return timezone.now() - timedelta(days=days)


# The agent's steps, in order, that take a new ticket to each status.
_PATH = (
    Status.ACKNOWLEDGED,
    Status.APOLOGIZED,
    Status.COMPENSATED,
    Status.FOLLOW_UP,
    Status.RESOLVED,
)


def _follow_up_with_survey(ticket, actor):
    """Start the follow-up and send its survey as the sweep does when it falls due."""
    from recovery import services
    from recovery.deadlines import send_due_surveys

    services.ticket_start_follow_up(ticket=ticket, actor=actor)
    send_due_surveys(now=ticket.follow_up_due_at)
    ticket.refresh_from_db()


def ticket_in_status(status, *, actor=None, **complaint_kwargs):
    """A ticket brought to ``status`` through the real services, as an agent would.

    The compensation step records "no compensation" (with a reason), which
    settles the ledger at once; tests that need a pending gesture propose one.
    A ticket in follow-up has had its survey sent (as at its due time).
    """
    from recovery import services
    from recovery.compensation import compensation_propose

    actor = actor or AgentFactory()
    ticket = ticketed_complaint(**complaint_kwargs).ticket
    if status == Status.CLOSED_INVALID:
        services.ticket_close_invalid(ticket=ticket, actor=actor, reason="Spam")
        return ticket
    if status == Status.MERGED:
        # Merged is reached only by merging: into a new complaint of the same customer.
        survivor = ticketed_complaint(customer=ticket.complaint.customer).ticket
        ticket_merge(merged=ticket, into=survivor, actor=actor)
        return ticket
    steps = {
        Status.ACKNOWLEDGED: lambda: services.ticket_acknowledge(
            ticket=ticket, actor=actor, method=AcknowledgeMethod.MESSAGE, message="Hello, Ana here."
        ),
        Status.APOLOGIZED: lambda: services.ticket_apologize(
            ticket=ticket, actor=actor, text="We are sorry about the broken vase."
        ),
        Status.COMPENSATED: lambda: compensation_propose(
            ticket=ticket, actor=actor, kind=CompensationKind.NONE, reason="Already refunded."
        ),
        Status.FOLLOW_UP: lambda: _follow_up_with_survey(ticket, actor),
        Status.RESOLVED: lambda: services.ticket_resolve(ticket=ticket, actor=actor),
    }
    for step in _PATH:
        if ticket.status == status:
            break
        steps[step]()
    assert ticket.status == status
    return ticket


def received_email(*, ticket):
    """The "complaint received" outbox row, written when ``ticket`` opened (``notifications.owed``)."""
    return Notification.objects.get(ticket=ticket, kind=NotificationKind.COMPLAINT_RECEIVED)
