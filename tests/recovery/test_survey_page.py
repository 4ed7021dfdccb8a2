"""The survey's public page, and what agents and managers see of the answers."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from notifications.models import Notification, NotificationKind, NotificationStatus
from notifications.sending import notification_send
from recovery.choices import EventKind, Status
from recovery.models import Survey, SurveyOutcome, Ticket
from recovery.survey import latest_survey, survey_answer
from tests.factories import AgentFactory, ManagerFactory, ticket_in_status

pytestmark = pytest.mark.django_db

ANSWER = {"csat": "4", "nps": "9", "solved": "yes", "comment": "All good now."}


@pytest.fixture
def survey():
    return latest_survey(ticket_in_status(Status.FOLLOW_UP))


def page(survey):
    return reverse("survey:answer", args=[survey.token])


def unchanged(survey):
    row = Survey.objects.get(pk=survey.pk)
    ticket = Ticket.objects.get(pk=survey.ticket_id)
    return row.answered_at, row.outcome, ticket.status, ticket.version, ticket.events.count()


def test_the_page_asks_the_four_questions_as_labelled_groups(client, survey):
    response = client.get(page(survey))
    assert response.status_code == 200
    html = response.text
    assert survey.ticket.complaint.reference in html
    assert html.count("<fieldset") == 3 and html.count("<legend") == 3
    assert html.count('type="radio" name="csat"') == 5
    assert html.count('type="radio" name="nps"') == 11
    assert html.count('type="radio" name="solved"') == 3
    assert 'name="comment"' in html
    # The scale's help text (what 1 and 5 mean) is read with the group.
    assert 'aria-describedby="id_csat_helptext"' in html
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]
    assert 'name="robots" content="noindex, nofollow"' in html


def test_the_page_speaks_french_after_the_language_switch(client, survey):
    client.post(reverse("set_language"), {"language": "fr", "next": page(survey)})
    response = client.get(page(survey))
    assert response.status_code == 200
    assert '<html lang="fr">' in response.text
    assert "Aller au contenu principal" in response.text
    assert "En partie" in response.text  # "Partly"


def test_the_page_speaks_english_by_default(client, survey):
    response = client.get(page(survey))
    assert '<html lang="en">' in response.text
    assert "Partly" in response.text and "How did it go?" in response.text


def test_answering_thanks_the_customer_and_resolves_the_ticket(client, survey):
    response = client.post(page(survey), ANSWER)
    assert response.status_code == 302 and response["Location"] == page(survey)
    thanks = client.get(page(survey))
    assert thanks.status_code == 200
    assert "We have your answer" in thanks.text
    assert 'name="csat"' not in thanks.text
    answered = Survey.objects.get(pk=survey.pk)
    assert (answered.csat, answered.nps, answered.comment) == (4, 9, "All good now.")
    assert Ticket.objects.get(pk=survey.ticket_id).status == Status.RESOLVED


def test_an_unhappy_answer_is_told_someone_will_get_back_to_them(client, survey):
    client.post(page(survey), {**ANSWER, "nps": "2", "solved": "no"})
    response = client.get(page(survey))
    assert "already been answered" in response.text
    assert "Someone from our team will get back to you" in response.text


def test_an_answered_survey_says_so_and_takes_no_second_answer(client, survey):
    survey_answer(survey=survey, csat=5, nps=10, solved="yes")
    before = unchanged(survey)
    for response in (client.get(page(survey)), client.post(page(survey), ANSWER)):
        assert response.status_code == 200
        assert "This survey has already been answered" in response.text
        assert 'name="csat"' not in response.text
    assert unchanged(survey) == before


def test_an_expired_survey_is_gone_and_takes_no_answer(client, survey):
    before = unchanged(survey)
    with time_machine.travel(survey.expires_at + timedelta(seconds=1), tick=False):
        responses = (client.get(page(survey)), client.post(page(survey), ANSWER))
    for response in responses:
        assert response.status_code == 410
        assert "This survey has closed" in response.text
        assert 'name="csat"' not in response.text
        assert response["Referrer-Policy"] == "same-origin"
    assert unchanged(survey) == before


def test_a_survey_closed_by_the_sweep_reads_as_expired(client, survey):
    Survey.objects.filter(pk=survey.pk).update(outcome=SurveyOutcome.NO_ANSWER)
    assert client.get(page(survey)).status_code == 410


@pytest.mark.parametrize(
    "token", ["x" * 43, "short", "A" * 42 + "!", "../../etc/passwd", "x" * 200]
)
def test_a_wrong_token_is_a_plain_404_like_the_tracking_page(client, survey, token):
    response = client.get(f"/survey/{token}/")
    tracking = client.get(f"/track/{token}/")
    assert response.status_code == tracking.status_code == 404
    assert response.content == tracking.content


@pytest.mark.parametrize(
    ("answer", "field", "message"),
    [
        ({"csat": "0"}, "csat", "from 1 to 5"),
        ({"csat": "6"}, "csat", "from 1 to 5"),
        ({"nps": "11"}, "nps", "from 0 to 10"),
        ({"csat": ""}, "csat", "from 1 to 5"),
        ({"nps": ""}, "nps", "from 0 to 10"),
        ({"solved": ""}, "solved", "whether your problem is solved"),
        ({"solved": "maybe"}, "solved", "whether your problem is solved"),
    ],
)
def test_an_invalid_answer_is_refused_with_its_errors_and_changes_nothing(
    client, survey, answer, field, message
):
    before = unchanged(survey)
    response = client.post(page(survey), {**ANSWER, **answer})
    assert response.status_code == 400
    assert 'class="error-summary"' in response.text
    assert f'href="#id_{field}"' in response.text  # the summary links to the group
    assert message in response.text
    assert 'aria-invalid="true"' in response.text or f"id_{field}_error" in response.text
    assert unchanged(survey) == before


def test_a_missing_answer_lists_every_question_left_out(client, survey):
    response = client.post(page(survey), {})
    assert response.status_code == 400
    for field in ("csat", "nps", "solved"):
        assert f'href="#id_{field}"' in response.text
    assert 'href="#id_comment"' not in response.text  # the comment is optional


def test_the_ticket_page_shows_the_answer_and_the_second_attempt(client, survey):
    agent = AgentFactory()
    survey_answer(survey=survey, csat=2, nps=4, solved="partly", comment="Still chipped.")
    client.force_login(agent)
    ticket = Ticket.objects.get(pk=survey.ticket_id)
    html = client.get(reverse("agent:ticket", args=[ticket.complaint.reference])).text
    assert "badge--second-attempt" in html
    assert "Still chipped." in html
    assert "<strong>2</strong> / 5" in html and "<strong>4</strong> / 10 (Detractor)" in html
    assert "Partly" in html


def test_the_queue_marks_second_attempts_and_only_them(client, survey):
    other = ticket_in_status(Status.ACKNOWLEDGED)
    survey_answer(survey=survey, csat=1, nps=0, solved="no")
    client.force_login(AgentFactory())
    html = client.get(reverse("agent:queue")).text
    again = Ticket.objects.get(pk=survey.ticket_id)
    row = html.split(f'data-ticket="{again.complaint.reference}"')[1].split("</tr>")[0]
    plain = html.split(f'data-ticket="{other.complaint.reference}"')[1].split("</tr>")[0]
    assert "Second attempt" in row
    assert "Second attempt" not in plain


def test_the_survey_answer_never_reaches_the_tracking_page(client, survey):
    survey_answer(survey=survey, csat=1, nps=0, solved="no", comment="Private remark.")
    complaint = survey.ticket.complaint
    html = client.get(reverse("complaints:track", args=[complaint.tracking_token])).text
    assert "Private remark." not in html


def test_the_managers_alert_email_gives_the_scores_and_the_ticket_link(settings):
    settings.LANGUAGE_CODE = "en"
    ManagerFactory(email="boss@amends.test")
    ticket = ticket_in_status(Status.FOLLOW_UP)
    survey_answer(survey=latest_survey(ticket), csat=2, nps=5, solved="no", comment="Broken.")
    row = Notification.objects.get(kind=NotificationKind.SURVEY_DETRACTOR)
    mail.outbox.clear()
    assert notification_send(notification_id=row.pk) == NotificationStatus.SENT
    (message,) = mail.outbox
    ((html, _mimetype),) = message.alternatives
    reference = ticket.complaint.reference
    assert reference in message.subject and "unhappy" in message.subject.lower()
    link = f"/agent/tickets/{reference}/"
    for part in (message.body, html):
        assert link in part and "Broken." in part
        assert "5 / 10 (Detractor)" in part and "Problem solved: No" in part
        assert "{{" not in part and "{%" not in part


def test_the_event_of_an_answer_is_internal_and_names_the_survey(survey):
    event = survey_answer(survey=survey, csat=4, nps=8, solved="partly")
    assert event.kind == EventKind.SURVEY_ANSWERED and not event.customer_visible
    assert event.payload["nps_class"] == "passive" and event.payload["survey"] == survey.pk
