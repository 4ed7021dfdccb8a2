"""The follow-up survey: sent with the follow-up, answered once, and what the answer does."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection

from notifications.models import Notification, NotificationKind
from recovery.choices import CompensationKind, EventKind, NpsClass, Status
from recovery.compensation import compensation_propose
from recovery.deadlines import deadlines_sweep
from recovery.models import Survey, SurveyOutcome, Ticket
from recovery.models.survey import SURVEY_DAYS
from recovery.services import ticket_resolve, ticket_start_follow_up
from recovery.survey import (
    SurveyClosed,
    latest_survey,
    nps_class,
    survey_answer,
    survey_url,
)
from tests.concurrency import race
from tests.factories import AgentFactory, ManagerFactory, ticket_in_status

HAPPY = {"csat": 5, "nps": 9, "solved": "yes", "comment": "Lovely new vase, thank you."}
UNHAPPY = {"csat": 2, "nps": 3, "solved": "no", "comment": "The new vase broke too."}


def in_follow_up(**kwargs):
    ticket = ticket_in_status(Status.FOLLOW_UP, **kwargs)
    return ticket, latest_survey(ticket)


def snapshot(ticket, survey):
    row, answer = Ticket.objects.get(pk=ticket.pk), Survey.objects.get(pk=survey.pk)
    return (
        row.status,
        row.version,
        row.events.count(),
        answer.answered_at,
        answer.outcome,
        Notification.objects.filter(ticket=ticket).count(),
    )


@pytest.mark.django_db
class TestSending:
    def test_starting_the_follow_up_sends_no_survey_yet(self):
        ticket = ticket_in_status(Status.COMPENSATED)
        ticket_start_follow_up(ticket=ticket, actor=AgentFactory())
        assert not ticket.surveys.exists()
        assert not Notification.objects.filter(ticket=ticket, kind=NotificationKind.FOLLOW_UP)
        assert ticket.follow_up_due_at is not None

    def test_the_survey_and_its_email_go_out_once_when_the_follow_up_falls_due(self):
        ticket = ticket_in_status(Status.COMPENSATED)
        ticket_start_follow_up(ticket=ticket, actor=AgentFactory())
        due = ticket.follow_up_due_at
        emails = Notification.objects.filter(ticket=ticket, kind=NotificationKind.FOLLOW_UP)
        with time_machine.travel(due - timedelta(seconds=1), tick=False):
            assert deadlines_sweep()["surveys_sent"] == 0
        assert not ticket.surveys.exists() and not emails.exists()
        with time_machine.travel(due, tick=False):
            assert deadlines_sweep()["surveys_sent"] == 1
            assert deadlines_sweep()["surveys_sent"] == 0
        with time_machine.travel(due + timedelta(seconds=1), tick=False):
            assert deadlines_sweep()["surveys_sent"] == 0
        (survey,) = ticket.surveys.all()
        assert survey.sent_at == due and survey.outcome == SurveyOutcome.WAITING
        assert survey.expires_at - survey.sent_at == timedelta(days=SURVEY_DAYS)
        (email,) = emails
        sent = ticket.events.get(kind=EventKind.SURVEY_SENT)
        assert email.event_id == sent.pk
        assert sent.payload["survey"] == survey.pk and not sent.customer_visible
        assert latest_survey(ticket) == survey
        assert survey_url(survey).endswith(f"/survey/{survey.token}/")
        assert len(survey.token) == 43  # 256 bits, URL-safe
        # The follow-up's next moment is now the survey's window closing.
        row = Ticket.objects.get(pk=ticket.pk)
        assert row.follow_up_due_at == row.due_at == survey.expires_at

    def test_a_new_follow_up_round_closes_the_unanswered_survey_of_the_last(self, agent):
        ticket, first = in_follow_up(actor=agent)
        compensation_propose(
            ticket=ticket, actor=agent, kind=CompensationKind.NONE, reason="Goodwill call instead."
        )
        ticket_start_follow_up(ticket=ticket, actor=agent)
        first.refresh_from_db()
        assert first.outcome == SurveyOutcome.NO_ANSWER
        replaced = ticket.events.get(kind=EventKind.SURVEY_EXPIRED)
        assert replaced.payload == {"survey": first.pk, "replaced": True}
        with time_machine.travel(ticket.follow_up_due_at, tick=False):
            assert deadlines_sweep()["surveys_sent"] == 1
        second = latest_survey(ticket)
        assert second != first
        assert second.outcome == SurveyOutcome.WAITING


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (0, NpsClass.DETRACTOR),
        (6, NpsClass.DETRACTOR),
        (7, NpsClass.PASSIVE),
        (8, NpsClass.PASSIVE),
        (9, NpsClass.PROMOTER),
        (10, NpsClass.PROMOTER),
        (None, None),
    ],
)
def test_nps_classes_follow_the_nps_method_at_every_boundary(score, expected):
    assert nps_class(score) == expected


@pytest.mark.parametrize("score", [-1, 11])
def test_an_nps_score_out_of_range_has_no_class(score):
    with pytest.raises(ValueError):
        nps_class(score)


@pytest.mark.django_db
class TestAnswering:
    def test_a_happy_answer_resolves_the_ticket_and_records_the_answer(self):
        ManagerFactory()
        ticket, survey = in_follow_up()
        event = survey_answer(survey=survey, **HAPPY)
        row, survey = Ticket.objects.get(pk=ticket.pk), Survey.objects.get(pk=survey.pk)
        assert row.status == Status.RESOLVED and row.resolved_at is not None
        assert row.follow_up_due_at is None and row.second_attempt_at is None
        assert (survey.csat, survey.nps, survey.solved) == (5, 9, "yes")
        assert survey.outcome == SurveyOutcome.RESOLVED and survey.answered_at is not None
        assert event.kind == EventKind.SURVEY_ANSWERED and not event.customer_visible
        assert event.payload == {
            "survey": survey.pk,
            "csat": 5,
            "nps": 9,
            "nps_class": "promoter",
            "solved": "yes",
            "comment": "Lovely new vase, thank you.",
            "unhappy": False,
        }
        resolve = row.events.get(to_status=Status.RESOLVED)
        assert resolve.payload["survey"] == survey.pk and resolve.actor is None
        # The customer hears it is closed, as when an agent resolves; no manager is alerted.
        kinds = set(row.notifications.values_list("kind", flat=True))
        assert NotificationKind.RESOLVED in kinds
        assert NotificationKind.SURVEY_DETRACTOR not in kinds

    @pytest.mark.parametrize(
        ("nps", "solved", "status"),
        [
            (6, "yes", Status.ACKNOWLEDGED),
            (7, "yes", Status.RESOLVED),
            (8, "partly", Status.RESOLVED),
            (9, "partly", Status.RESOLVED),
            (10, "no", Status.ACKNOWLEDGED),
            (0, "partly", Status.ACKNOWLEDGED),
        ],
    )
    def test_a_detractor_or_a_problem_not_solved_reopens_and_nothing_else_does(
        self, nps, solved, status
    ):
        ticket, survey = in_follow_up()
        survey_answer(survey=survey, csat=3, nps=nps, solved=solved)
        assert Ticket.objects.get(pk=ticket.pk).status == status

    def test_an_unhappy_answer_reopens_for_a_second_attempt_and_alerts_the_managers(self):
        boss = ManagerFactory(email="boss@amends.test")
        ManagerFactory(email="")  # no address, no email
        ManagerFactory(email="gone@amends.test", is_active=False)
        AgentFactory(email="agent@amends.test")  # agents are not alerted
        ticket, survey = in_follow_up()
        at = survey.sent_at + timedelta(days=3)
        with time_machine.travel(at, tick=False):
            event = survey_answer(survey=survey, **UNHAPPY)
        row, survey = Ticket.objects.get(pk=ticket.pk), Survey.objects.get(pk=survey.pk)
        assert row.status == Status.ACKNOWLEDGED
        assert row.second_attempt_at == at
        assert row.follow_up_due_at is None and row.resolved_at is None
        assert survey.outcome == SurveyOutcome.REOPENED
        move = row.events.get(from_status=Status.FOLLOW_UP, to_status=Status.ACKNOWLEDGED)
        assert move.payload["action"] == "second_attempt" and move.payload["second_attempt"]
        alerts = Notification.objects.filter(kind=NotificationKind.SURVEY_DETRACTOR)
        assert list(alerts.values_list("recipient", "event", "language")) == [
            (boss.email, event.pk, "en")
        ]
        # The customer asked for it: they are not emailed about the reopening.
        customer = ticket.complaint.customer.email
        assert not row.notifications.filter(recipient=customer, event__gt=event.pk).exists()

    def test_an_unhappy_answer_after_an_agent_resolved_the_ticket_reopens_it(self, agent):
        ticket, survey = in_follow_up(actor=agent)
        ticket_resolve(ticket=ticket, actor=agent)
        survey_answer(survey=survey, **UNHAPPY)
        row = Ticket.objects.get(pk=ticket.pk)
        assert row.status == Status.ACKNOWLEDGED and row.second_attempt_at is not None
        assert row.resolved_at is None

    def test_a_happy_answer_after_an_agent_resolved_the_ticket_changes_nothing_more(self, agent):
        ticket, survey = in_follow_up(actor=agent)
        ticket_resolve(ticket=ticket, actor=agent)
        version = Ticket.objects.get(pk=ticket.pk).version
        survey_answer(survey=survey, **HAPPY)
        row = Ticket.objects.get(pk=ticket.pk)
        assert (row.status, row.version) == (Status.RESOLVED, version)
        assert Survey.objects.get(pk=survey.pk).outcome == SurveyOutcome.RESOLVED

    def test_a_survey_takes_one_answer(self):
        ticket, survey = in_follow_up()
        survey_answer(survey=survey, **HAPPY)
        before = snapshot(ticket, survey)
        with pytest.raises(SurveyClosed) as refused:
            survey_answer(survey=survey, **UNHAPPY)
        assert refused.value.reason == "answered"
        assert snapshot(ticket, survey) == before

    def test_an_expired_survey_takes_no_answer(self):
        ticket, survey = in_follow_up()
        before = snapshot(ticket, survey)
        with (
            time_machine.travel(survey.expires_at, tick=False),
            pytest.raises(SurveyClosed) as refused,
        ):
            survey_answer(survey=survey, **HAPPY)
        assert refused.value.reason == "expired"
        assert snapshot(ticket, survey) == before

    def test_the_last_second_of_the_window_still_counts(self):
        ticket, survey = in_follow_up()
        with time_machine.travel(survey.expires_at - timedelta(seconds=1), tick=False):
            survey_answer(survey=survey, **HAPPY)
        assert Ticket.objects.get(pk=ticket.pk).status == Status.RESOLVED

    @pytest.mark.parametrize(
        ("answer", "field"),
        [
            ({"csat": 0}, "csat"),
            ({"csat": 6}, "csat"),
            ({"csat": None}, "csat"),
            ({"nps": 11}, "nps"),
            ({"nps": -1}, "nps"),
            ({"nps": "9"}, "nps"),
            ({"solved": "maybe"}, "solved"),
            ({"solved": ""}, "solved"),
            ({"comment": "x" * 5001}, "comment"),
        ],
    )
    def test_an_answer_out_of_range_is_refused_and_changes_nothing(self, answer, field):
        ticket, survey = in_follow_up()
        before = snapshot(ticket, survey)
        with pytest.raises(ValidationError) as refused:
            survey_answer(survey=survey, **{**HAPPY, **answer})
        assert set(refused.value.message_dict) == {field}
        assert snapshot(ticket, survey) == before


@pytest.mark.django_db
class TestNoAnswer:
    def test_a_second_before_the_window_closes_the_sweep_leaves_it_waiting(self):
        ticket, survey = in_follow_up()
        with time_machine.travel(survey.expires_at - timedelta(seconds=1), tick=False):
            assert deadlines_sweep()["surveys_closed"] == 0
        assert Ticket.objects.get(pk=ticket.pk).status == Status.FOLLOW_UP
        assert Survey.objects.get(pk=survey.pk).outcome == SurveyOutcome.WAITING

    def test_after_the_window_the_ticket_resolves_with_no_answer_once(self):
        ticket, survey = in_follow_up()
        at = survey.expires_at + timedelta(minutes=3)
        with time_machine.travel(at, tick=False):
            assert deadlines_sweep()["surveys_closed"] == 1
            assert deadlines_sweep()["surveys_closed"] == 0
        row, survey = Ticket.objects.get(pk=ticket.pk), Survey.objects.get(pk=survey.pk)
        assert row.status == Status.RESOLVED and row.resolved_at == at
        assert row.follow_up_due_at is None and row.due_at is None
        assert survey.outcome == SurveyOutcome.NO_ANSWER and survey.answered_at is None
        (expired,) = row.events.filter(kind=EventKind.SURVEY_EXPIRED)
        assert expired.payload == {"survey": survey.pk, "resolved": True}
        (resolve,) = row.events.filter(to_status=Status.RESOLVED)
        assert resolve.customer_visible and resolve.payload["survey_outcome"] == "no_answer"
        assert resolve.payload["action"] == "resolve"
        assert row.notifications.filter(kind=NotificationKind.RESOLVED).count() == 1

    def test_a_ticket_that_left_follow_up_keeps_its_status_when_its_survey_closes(self, agent):
        ticket, survey = in_follow_up(actor=agent)
        ticket_resolve(ticket=ticket, actor=agent)
        version = Ticket.objects.get(pk=ticket.pk).version
        with time_machine.travel(survey.expires_at, tick=False):
            assert deadlines_sweep()["surveys_closed"] == 1
        row = Ticket.objects.get(pk=ticket.pk)
        assert (row.status, row.version) == (Status.RESOLVED, version)
        assert row.events.get(kind=EventKind.SURVEY_EXPIRED).payload["resolved"] is False
        assert Survey.objects.get(pk=survey.pk).outcome == SurveyOutcome.NO_ANSWER

    def test_answered_surveys_are_never_closed_by_the_sweep(self):
        ticket, survey = in_follow_up()
        survey_answer(survey=survey, **UNHAPPY)
        with time_machine.travel(survey.expires_at + timedelta(days=1), tick=False):
            assert deadlines_sweep()["surveys_closed"] == 0
        assert Survey.objects.get(pk=survey.pk).outcome == SurveyOutcome.REOPENED


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="races PostgreSQL row locks")
class TestRaces:
    def test_two_answers_sent_at_once_record_one(self):
        ManagerFactory()
        ticket, survey = in_follow_up()
        outcomes = race(
            *[
                lambda: survey_answer(survey=Survey.objects.get(pk=survey.pk), **HAPPY),
                lambda: survey_answer(survey=Survey.objects.get(pk=survey.pk), **UNHAPPY),
            ]
        )
        refused = [o for o in outcomes if isinstance(o, Exception)]
        assert len(refused) == 1 and isinstance(refused[0], SurveyClosed), outcomes
        assert refused[0].reason == "answered"
        row = Ticket.objects.get(pk=ticket.pk)
        assert row.events.filter(kind=EventKind.SURVEY_ANSWERED).count() == 1
        assert row.events.filter(from_status=Status.FOLLOW_UP).count() == 1

    def test_concurrent_sweeps_send_a_due_survey_once(self):
        ticket = ticket_in_status(Status.COMPENSATED)
        ticket_start_follow_up(ticket=ticket, actor=AgentFactory())
        at = ticket.follow_up_due_at + timedelta(seconds=5)
        outcomes = race(*[lambda: deadlines_sweep(now=at)] * 3)
        assert sum(o["surveys_sent"] for o in outcomes) == 1, outcomes
        assert ticket.surveys.count() == 1
        follow_ups = Notification.objects.filter(ticket=ticket, kind=NotificationKind.FOLLOW_UP)
        assert follow_ups.count() == 1

    def test_concurrent_sweeps_close_a_survey_once(self):
        ticket, survey = in_follow_up()
        at = survey.expires_at + timedelta(seconds=5)
        outcomes = race(*[lambda: deadlines_sweep(now=at)] * 3)
        assert sum(o["surveys_closed"] for o in outcomes) == 1, outcomes
        row = Ticket.objects.get(pk=ticket.pk)
        assert row.events.filter(kind=EventKind.SURVEY_EXPIRED).count() == 1
        assert row.notifications.filter(kind=NotificationKind.RESOLVED).count() == 1

    def test_an_answer_racing_the_sweep_at_the_deadline_is_one_or_the_other(self):
        ticket, survey = in_follow_up()
        outcomes = race(
            *[
                lambda: survey_answer(
                    survey=Survey.objects.get(pk=survey.pk),
                    now=survey.expires_at - timedelta(seconds=1),
                    **HAPPY,
                ),
                lambda: deadlines_sweep(now=survey.expires_at + timedelta(seconds=1)),
            ]
        )
        answered, swept = outcomes
        survey.refresh_from_db()
        if isinstance(answered, SurveyClosed):
            assert swept["surveys_closed"] == 1 and survey.outcome == SurveyOutcome.NO_ANSWER
        else:
            assert swept["surveys_closed"] == 0 and survey.outcome == SurveyOutcome.RESOLVED
        row = Ticket.objects.get(pk=ticket.pk)
        assert row.status == Status.RESOLVED
        assert row.events.filter(to_status=Status.RESOLVED).count() == 1
