"""The compensation ledger: money in Decimal, approval limits, and what settles it."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from recovery.choices import CompensationKind, CompensationStatus, EventKind, Status
from recovery.compensation import (
    compensation_approve,
    compensation_decline,
    compensation_fulfil,
    compensation_propose,
)
from recovery.errors import ApprovalDenied, IllegalTransition, WorkflowError
from recovery.models import ApprovalLimit, Compensation, Ticket
from recovery.services import ticket_close_invalid, ticket_start_follow_up
from tests.factories import ticket_in_status

pytestmark = pytest.mark.django_db
CS = CompensationStatus


@pytest.fixture
def apologized(agent):
    return ticket_in_status(Status.APOLOGIZED, actor=agent, remedy_sought="A new vase")


def propose(ticket, actor, amount="50.00", currency="EUR", kind=CompensationKind.REFUND, **kw):
    return compensation_propose(
        ticket=ticket, actor=actor, kind=kind, amount=amount, currency=currency, **kw
    )


def snapshot(ticket):
    row = Ticket.objects.get(pk=ticket.pk)
    ledger = list(row.compensations.values_list("pk", "status"))
    return row.status, row.version, row.follow_up_due_at, row.events.count(), ledger


def test_first_proposal_moves_the_ticket_to_compensated_with_an_event(apologized, agent):
    compensation = propose(apologized, agent)
    row = Ticket.objects.get(pk=apologized.pk)
    assert row.status == Status.COMPENSATED
    assert compensation.status == CS.PROPOSED
    assert compensation.remedy_sought == "A new vase"
    assert compensation.proposed_by == agent
    event = row.events.get(kind=EventKind.COMPENSATION)
    assert (event.from_status, event.to_status) == (Status.APOLOGIZED, Status.COMPENSATED)
    assert event.payload["change"] == "proposed"
    assert event.payload["amount"] == "50.00"


def test_further_proposal_keeps_the_ticket_compensated(apologized, agent):
    propose(apologized, agent)
    propose(apologized, agent, kind=CompensationKind.GIFT, amount=None, currency="")
    assert Ticket.objects.get(pk=apologized.pk).status == Status.COMPENSATED
    assert apologized.events.filter(kind=EventKind.COMPENSATION).count() == 2


def test_decimal_amount_is_kept_to_the_cent(apologized, agent):
    compensation = propose(apologized, agent, amount=Decimal("19.99"), currency="usd")
    compensation.refresh_from_db()
    assert compensation.amount == Decimal("19.99")
    assert str(compensation.amount) == "19.99"
    assert compensation.currency == "USD"


@pytest.mark.parametrize(
    ("amount", "kind"),
    [
        ("-5.00", CompensationKind.REFUND),
        ("0", CompensationKind.VOUCHER),
        ("19.999", CompensationKind.REFUND),
        ("ten", CompensationKind.REFUND),
        (None, CompensationKind.REFUND),
        ("10.00", CompensationKind.REPLACEMENT),
        ("10.00", CompensationKind.NONE),
    ],
)
def test_bad_amount_is_refused_and_changes_nothing(amount, kind, apologized, agent):
    before = snapshot(apologized)
    with pytest.raises(ValidationError) as refused:
        propose(apologized, agent, amount=amount, kind=kind, reason="x")
    assert "amount" in refused.value.message_dict
    assert snapshot(apologized) == before


@pytest.mark.parametrize("currency", ["", "EU", "EURO", "€"])
def test_amount_without_an_iso_currency_is_refused(currency, apologized, agent):
    with pytest.raises(ValidationError) as refused:
        propose(apologized, agent, currency=currency)
    assert "currency" in refused.value.message_dict


def test_float_amount_is_a_programming_error(apologized, agent):
    with pytest.raises(TypeError):
        propose(apologized, agent, amount=19.99)


def test_no_compensation_needs_a_reason(apologized, agent):
    before = snapshot(apologized)
    with pytest.raises(ValidationError) as refused:
        compensation_propose(ticket=apologized, actor=agent, kind=CompensationKind.NONE)
    assert "reason" in refused.value.message_dict
    assert snapshot(apologized) == before


def test_no_compensation_with_a_reason_is_settled_at_once(apologized, agent):
    line = compensation_propose(
        ticket=apologized, actor=agent, kind=CompensationKind.NONE, reason="Carrier refunded."
    )
    assert line.status == CS.FULFILLED
    assert (line.amount, line.currency) == (None, "")
    assert Ticket.objects.get(pk=apologized.pk).follow_up_due_at is not None


def test_agent_approves_an_amount_within_the_limit(apologized, agent):
    ApprovalLimit.objects.create(currency="EUR", agent_limit=Decimal("50.00"))
    compensation = propose(apologized, agent, amount="50.00")
    compensation_approve(compensation=compensation, actor=agent)
    compensation.refresh_from_db()
    assert compensation.status == CS.APPROVED
    assert compensation.approved_by == agent and compensation.approved_at is not None
    event = apologized.events.filter(kind=EventKind.COMPENSATION).last()
    assert event.payload["change"] == "approved"


def test_agent_is_refused_an_amount_above_the_limit_and_nothing_changes(apologized, agent):
    ApprovalLimit.objects.create(currency="EUR", agent_limit=Decimal("50.00"))
    compensation = propose(apologized, agent, amount="50.01")
    before = snapshot(apologized)
    with pytest.raises(ApprovalDenied) as refused:
        compensation_approve(compensation=compensation, actor=agent)
    assert isinstance(refused.value, WorkflowError)
    assert snapshot(apologized) == before
    compensation.refresh_from_db()
    assert compensation.status == CS.PROPOSED and compensation.approved_by is None


def test_manager_approves_above_the_agents_limit(apologized, agent, manager):
    ApprovalLimit.objects.create(currency="EUR", agent_limit=Decimal("50.00"))
    compensation = propose(apologized, agent, amount="5000.00")
    compensation_approve(compensation=compensation, actor=manager)
    compensation.refresh_from_db()
    assert (compensation.status, compensation.approved_by) == (CS.APPROVED, manager)


def test_agent_approves_nothing_in_a_currency_without_a_limit(apologized, agent, manager):
    ApprovalLimit.objects.create(currency="EUR", agent_limit=Decimal("500.00"))
    compensation = propose(apologized, agent, amount="1.00", currency="GBP")
    with pytest.raises(ApprovalDenied):
        compensation_approve(compensation=compensation, actor=agent)
    compensation_approve(compensation=compensation, actor=manager)


def test_agent_approves_a_gesture_without_an_amount(apologized, agent):
    compensation = propose(apologized, agent, kind=CompensationKind.REPLACEMENT, amount=None)
    compensation_approve(compensation=compensation, actor=agent)
    assert compensation.status == CS.APPROVED


def test_approving_twice_is_refused(apologized, manager):
    compensation = propose(apologized, manager)
    compensation_approve(compensation=compensation, actor=manager)
    with pytest.raises(IllegalTransition):
        compensation_approve(compensation=compensation, actor=manager)


def test_fulfilling_an_unapproved_compensation_is_refused(apologized, agent):
    compensation = propose(apologized, agent)
    with pytest.raises(IllegalTransition):
        compensation_fulfil(compensation=compensation, actor=agent)
    compensation.refresh_from_db()
    assert compensation.status == CS.PROPOSED


def test_fulfilment_records_who_and_when(apologized, manager, agent):
    compensation = propose(apologized, agent)
    compensation_approve(compensation=compensation, actor=manager)
    compensation_fulfil(compensation=compensation, actor=agent)
    compensation.refresh_from_db()
    assert compensation.status == CS.FULFILLED
    assert compensation.fulfilled_by == agent and compensation.fulfilled_at is not None
    changes = [e.payload["change"] for e in apologized.events.filter(kind=EventKind.COMPENSATION)]
    assert changes == ["proposed", "approved", "fulfilled"]


def test_decline_needs_a_reason_and_settles_the_line(apologized, agent):
    compensation = propose(apologized, agent)
    with pytest.raises(ValidationError):
        compensation_decline(compensation=compensation, actor=agent, reason=" ")
    compensation_decline(compensation=compensation, actor=agent, reason="Customer wants none")
    compensation.refresh_from_db()
    assert compensation.status == CS.DECLINED
    assert compensation.decline_reason == "Customer wants none"
    assert Ticket.objects.get(pk=apologized.pk).follow_up_due_at is not None


def test_follow_up_cannot_start_while_a_compensation_waits(apologized, agent, manager):
    compensation = propose(apologized, agent)
    with pytest.raises(IllegalTransition, match="Fulfil or decline"):
        ticket_start_follow_up(ticket=apologized, actor=agent)
    compensation_approve(compensation=compensation, actor=manager)
    with pytest.raises(IllegalTransition):
        ticket_start_follow_up(ticket=apologized, actor=agent)
    compensation_fulfil(compensation=compensation, actor=agent)
    apologized.refresh_from_db()
    ticket_start_follow_up(ticket=apologized, actor=agent)
    assert apologized.status == Status.FOLLOW_UP


def test_closing_as_invalid_declines_what_still_waits(apologized, agent):
    compensation = propose(apologized, agent)
    apologized.refresh_from_db()
    ticket_close_invalid(ticket=apologized, actor=agent, reason="Duplicate of ABC")
    compensation.refresh_from_db()
    assert compensation.status == CS.DECLINED
    assert compensation.decline_reason == "Duplicate of ABC"


def test_the_database_refuses_a_negative_amount_whatever_writes_it(apologized, agent):
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    with pytest.raises(IntegrityError), transaction.atomic():
        Compensation.objects.create(
            ticket=apologized,
            kind=CompensationKind.REFUND,
            amount=Decimal("-1.00"),
            currency="EUR",
            proposed_at=timezone.now(),
        )


def test_managers_may_type_the_currency_in_lower_case_in_the_admin():
    from recovery.admin import ApprovalLimitForm

    form = ApprovalLimitForm(data={"currency": " eur ", "agent_limit": "100.00"})
    assert form.is_valid(), form.errors
    assert form.save().currency == "EUR"
    assert not ApprovalLimitForm(data={"currency": "EU1", "agent_limit": "1"}).is_valid()


def test_managers_type_the_limit_the_french_way_in_the_french_admin():
    from django.utils import translation

    from recovery.admin import ApprovalLimitForm

    with translation.override("fr"):
        form = ApprovalLimitForm(data={"currency": "EUR", "agent_limit": "12,50"})
        assert form.is_valid(), form.errors
    assert form.save().agent_limit == Decimal("12.50")


# --- The limit bounds a ticket's total, not one line --------------------------


def test_an_agent_cannot_split_an_amount_above_the_limit_into_lines_within_it(apologized, agent):
    ApprovalLimit.objects.create(currency="EUR", agent_limit=Decimal("50.00"))
    first = propose(apologized, agent, amount="45.00")
    second = propose(apologized, agent, amount="45.00")
    compensation_approve(compensation=first, actor=agent)
    before = snapshot(apologized)

    with pytest.raises(ApprovalDenied) as refused:
        compensation_approve(compensation=second, actor=agent)

    assert str(refused.value) == (
        "You may approve up to €50.00 on this ticket (€45.00 already approved): "
        "a manager must approve this one."
    )
    assert snapshot(apologized) == before


def test_the_limit_counts_what_was_handed_over_and_not_what_was_declined(apologized, agent):
    ApprovalLimit.objects.create(currency="EUR", agent_limit=Decimal("50.00"))
    handed_over = propose(apologized, agent, amount="20.00")
    compensation_approve(compensation=handed_over, actor=agent)
    compensation_fulfil(compensation=handed_over, actor=agent)
    declined = propose(apologized, agent, amount="30.00")
    compensation_decline(compensation=declined, actor=agent, reason="Customer wants none")
    other_currency = propose(apologized, agent, amount="40.00", currency="GBP")
    ApprovalLimit.objects.create(currency="GBP", agent_limit=Decimal("40.00"))
    compensation_approve(compensation=other_currency, actor=agent)

    within = propose(apologized, agent, amount="30.00")
    compensation_approve(compensation=within, actor=agent)  # 20 + 30: at the limit
    above = propose(apologized, agent, amount="0.01")
    with pytest.raises(ApprovalDenied):
        compensation_approve(compensation=above, actor=agent)


def test_a_manager_approves_whatever_the_ticket_already_has(apologized, agent, manager):
    ApprovalLimit.objects.create(currency="EUR", agent_limit=Decimal("50.00"))
    compensation_approve(compensation=propose(apologized, agent, amount="45.00"), actor=agent)
    second = propose(apologized, agent, amount="45.00")
    compensation_approve(compensation=second, actor=manager)
    assert second.status == CS.APPROVED


def test_the_refusal_names_a_currency_without_a_limit(apologized, agent):
    line = propose(apologized, agent, amount="5.00", currency="CHF")
    with pytest.raises(ApprovalDenied) as refused:
        compensation_approve(compensation=line, actor=agent)
    assert "Agents may approve nothing in CHF alone" in str(refused.value)


def test_the_demo_data_sets_agent_limits_of_50_eur_and_50_gbp_once():
    from django.core.management import call_command

    call_command("seed_demo", stdout=StringIO())
    ApprovalLimit.objects.filter(currency="GBP").update(agent_limit=Decimal("80.00"))
    call_command("seed_demo", stdout=StringIO())
    limits = dict(ApprovalLimit.objects.values_list("currency", "agent_limit"))
    assert limits == {"EUR": Decimal("50.00"), "GBP": Decimal("80.00")}


# --- Amounts typed and read in the agent's language ---------------------------


@pytest.mark.parametrize(
    ("language", "typed", "read"),
    [
        ("fr", "12,50", "12.50"),
        ("fr", "1 250,50", "1250.50"),
        ("fr", "1\u00a0250,50", "1250.50"),
        ("fr", "12.50", "12.50"),
        ("fr", "12,505", "12.505"),
        ("en", "12.50", "12.50"),
        ("en", "1,250.50", "1250.50"),
        ("en", "12,50", "12,50"),  # not taken for 1250: refused by money_clean
        ("en", "", ""),
    ],
)
def test_amounts_are_read_in_the_language_they_are_typed_in(language, typed, read):
    from django.utils import translation

    from recovery.money import amount_parse

    with translation.override(language):
        assert amount_parse(typed) == read


@pytest.mark.parametrize(
    ("language", "amount", "currency", "shown"),
    [
        ("fr", "12.50", "EUR", "12,50\u00a0€"),
        ("fr", "1250.00", "GBP", "1\u00a0250,00\u00a0£"),
        ("fr", "5.00", "CHF", "5,00\u00a0CHF"),
        ("en", "12.50", "EUR", "€12.50"),
        ("en", "1250", "GBP", "£1,250.00"),
        ("en", "5.00", "CHF", "CHF\u00a05.00"),
    ],
)
def test_amounts_are_shown_as_the_readers_language_writes_them(language, amount, currency, shown):
    from recovery.money import money_format

    assert money_format(Decimal(amount), currency, language=language) == shown


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="races two PostgreSQL connections")
def test_two_agents_approving_two_halves_at_once_are_taken_in_turn_and_the_second_refused(
    monkeypatch,
):
    """The first approval holds its transaction open; the second waits for it, then sees it.

    Without the ticket's row lock the second would read the total before the
    first committed and get as far as the version check, refused there as
    stale ("reload"), not for the limit it would break.
    """
    import time

    from notifications import receivers
    from tests.concurrency import race
    from tests.factories import AgentFactory

    ApprovalLimit.objects.create(currency="EUR", agent_limit=Decimal("50.00"))
    first_agent, second_agent = AgentFactory(), AgentFactory()
    ticket = ticket_in_status(Status.APOLOGIZED, actor=first_agent)
    first = propose(ticket, first_agent, amount="45.00")
    second = propose(Ticket.objects.get(pk=ticket.pk), second_agent, amount="45.00")
    notify = receivers.notifications_for_events

    def slow_for_the_first(events, **kwargs):
        # The approval's event is announced inside its transaction, after the
        # ledger write: the approval commits only after this.
        if any(event.payload.get("compensation") == first.pk for event in events):
            time.sleep(1)
        return notify(events, **kwargs)

    monkeypatch.setattr(receivers, "notifications_for_events", slow_for_the_first)

    def approve(pk, agent, delay):
        def run():
            time.sleep(delay)
            line = Compensation.objects.get(pk=pk)  # its ticket read in this thread
            return compensation_approve(compensation=line, actor=agent)

        return run

    outcomes = race(approve(first.pk, first_agent, 0), approve(second.pk, second_agent, 0.3))

    assert not isinstance(outcomes[0], Exception), outcomes[0]
    assert isinstance(outcomes[1], ApprovalDenied), outcomes[1]
    assert "(€45.00 already approved)" in str(outcomes[1])
    statuses = dict(Compensation.objects.values_list("pk", "status"))
    assert statuses == {first.pk: CS.APPROVED, second.pk: CS.PROPOSED}
