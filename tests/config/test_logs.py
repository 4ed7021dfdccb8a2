"""Log lines are JSON in production, tie each line to its request or task, and mask personal data."""

import json
import logging

import pytest

from config.logs import logging_config, mask
from recovery.tasks import enforce_deadlines
from tests.factories import ticketed_complaint

pytestmark = pytest.mark.django_db


def test_a_request_logs_one_json_line_with_its_id_user_view_status_and_duration(
    agent_client, agent, lines
):
    complaint = ticketed_complaint()
    response = agent_client.get(f"/agent/tickets/{complaint.reference}/?q=ann@example.com")
    assert response.status_code == 200
    (line,) = [line for line in lines() if line["logger"] == "amends.requests"]
    assert line["request_id"] == response["X-Request-ID"]
    assert line["user_id"] == agent.pk
    assert line["reference"] == complaint.reference
    assert line["status"] == 200
    assert line["view"] == "agent:ticket"
    assert isinstance(line["duration_ms"], float)
    assert "example.com" not in json.dumps(line)  # the query string is never logged


def test_a_sane_request_id_from_the_proxy_is_kept_and_a_bad_one_replaced(client, lines):
    kept = client.get("/", headers={"x-request-id": "abc123-from-the-proxy"})
    assert kept["X-Request-ID"] == "abc123-from-the-proxy"
    replaced = client.get("/", headers={"x-request-id": "<script>\n"})
    assert replaced["X-Request-ID"] != "<script>\n"
    assert len(replaced["X-Request-ID"]) == 32


def test_emails_and_phone_numbers_are_masked_in_what_is_written(lines):
    logging.getLogger("amends.test").warning(
        "Could not reach %s at %s or 06 12 34 56 78", "ann.o'neil+x@example.co.uk", "+33612345678"
    )
    (line,) = [line for line in lines() if line["logger"] == "amends.test"]
    assert line["message"] == "Could not reach [email] at [phone] or [phone]"


def test_a_reference_an_amount_or_a_time_is_not_mistaken_for_a_phone():
    kept = "AM-F2K5-9QXD refunded 120.50 EUR at 2026-12-04 10:30 in 0.0980265429998326 s"
    assert mask(kept) == kept


def test_a_task_logs_its_id_name_outcome_and_duration(lines):
    result = enforce_deadlines.apply()
    (line,) = [line for line in lines() if line["logger"] == "amends.tasks"]
    assert line["task_id"] == result.id
    assert line["task"] == "recovery.enforce_deadlines"
    assert line["outcome"] == "SUCCESS"
    assert isinstance(line["duration_ms"], float)


def test_make_run_logs_plain_text():
    config = logging_config(json=False, level="INFO")
    assert config["handlers"]["console"]["formatter"] == "plain"
    assert logging_config(json=True, level="INFO")["handlers"]["console"]["formatter"] == "json"
