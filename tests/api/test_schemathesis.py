"""Schemathesis against a live server: generated requests never get a 5xx or break the schema.

The schema is read from /api/schema/ on pytest-django's live server, as a
client would, and every operation in it is exercised, each twice: with data
that fits the schema (positive) and with data that does not (negative), as an
agent with a token (a manager for the managers' breach report). Where a
path names a ticket or a ledger line, half the positive cases use real ones
(in every status), so that the steps really run through the services rather
than stop at 404. Hypothesis is derandomized and
keeps no example database, so a run is repeatable; the throttles and the
complaint rate limits are raised so that they cannot make it flaky.

Checks: no server error, and the status code, content type, headers and body
of every answer are those the schema documents. Schemathesis's other checks
(e.g. that a body fitting the schema is accepted) are left out on purpose: a
valid body for a step on a ticket in the wrong status rightly gets 409.
"""

import time
from collections import Counter

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis import GenerationMode, checks
from schemathesis.core.result import Ok

from config.tokens import api_token_create
from recovery.choices import CompensationKind, Status
from recovery.compensation import compensation_propose
from recovery.models import ApprovalLimit
from tests.factories import (
    AgentFactory,
    CategoryFactory,
    ManagerFactory,
    ticket_in_status,
    ticketed_complaint,
)

# Per operation and mode: 18 operations × 2 modes × 35 = 1,260 requests, in
# about 100 s here. The test counts what it really sent.
EXAMPLES = 35
MIN_REQUESTS = 1000
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]


def _tickets(agent):
    """Tickets in every status (several new ones, the steps use them up), with ledger lines."""
    tickets = [ticketed_complaint().ticket for _ in range(6)]
    tickets += [ticket_in_status(status, actor=agent) for status in Status for _ in range(2)]
    # Agents may approve the lines below, so approvals can succeed.
    ApprovalLimit.objects.create(currency="EUR", agent_limit=1000)
    lines = []
    for ticket in [ticket_in_status(Status.APOLOGIZED, actor=agent) for _ in range(3)]:
        lines.append(
            compensation_propose(
                ticket=ticket, actor=agent, kind=CompensationKind.GIFT, amount="20", currency="EUR"
            )
        )
        tickets.append(ticket)
    return [t.complaint.reference for t in tickets], [
        (line.ticket.complaint.reference, line.pk) for line in lines
    ]


def _fitted(case, **values):
    """The case with body values that exist here, and no ``version`` (random ones are stale)."""
    if isinstance(case.body, dict):
        case.body = {k: v for k, v in case.body.items() if k != "version"} | values
    return case


def _strategies(operation, *, references, lines, category):
    """Per mode: generated cases, many aimed at real tickets, ledger lines and categories.

    A random reference only ever meets 404, so half the cases of an operation
    on a ticket name a real one; for a negative case that leaves the body to
    be wrong. (A read of one ticket has nothing else to get wrong: its
    negative cases are random references.)
    """
    path = operation.path

    def generated(mode, **kwargs):
        return operation.as_strategy(generation_mode=mode, **kwargs)

    def aimed(mode):
        if "{compensation_id}" in path:
            return st.sampled_from(lines).flatmap(
                lambda line: generated(
                    mode, path_parameters={"reference": line[0], "compensation_id": line[1]}
                )
            )
        if "{reference}" in path:
            return st.sampled_from(references).flatmap(
                lambda reference: generated(mode, path_parameters={"reference": reference})
            )
        if path.endswith("/complaints/") and mode == GenerationMode.POSITIVE:
            return generated(mode).map(lambda case: _fitted(case, category=category))
        return None

    strategies = {}
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        real = aimed(mode)
        if mode == GenerationMode.POSITIVE and real is not None:
            real = real.map(_fitted)
        if mode == GenerationMode.NEGATIVE and operation.method.upper() != "POST":
            real = None
        # Real first: Hypothesis leans toward the first branch of one_of.
        strategies[mode] = generated(mode) if real is None else st.one_of(real, generated(mode))
    return strategies


@pytest.mark.django_db(transaction=True)
def test_generated_requests_get_no_server_error_and_answers_fit_the_schema(live_server, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_token": "100000/min", "api_ip": "100000/min"},
    }
    settings.AMENDS = {
        **settings.AMENDS,
        "RATE_LIMIT_PER_IP": 100000,
        "RATE_LIMIT_PER_EMAIL": 100000,
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    agent = AgentFactory()
    manager = ManagerFactory()
    category = CategoryFactory().pk
    references, lines = _tickets(agent)
    tokens = {
        user: f"Token {api_token_create(user=user, name='schemathesis', days=30)[1]}"
        for user in (agent, manager)
    }
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/")
    session = requests.Session()
    sent, answered, succeeded = Counter(), Counter(), set()
    started = time.monotonic()

    def fuzz(strategy, key, token):
        @hypothesis_settings(
            max_examples=EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate, Phase.shrink],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def call(case):
            response = case.call(
                base_url=live_server.url, session=session, headers={"Authorization": token}
            )
            sent[key] += 1
            answered[response.status_code] += 1
            if response.status_code < 300:
                succeeded.add(key[0])
            case.validate_response(response, checks=CHECKS)

        call()

    operations = [result.ok() for result in schema.get_all_operations() if isinstance(result, Ok)]
    assert len(operations) == len(list(schema.get_all_operations())), "an operation failed to load"
    for operation in operations:
        for mode, strategy in _strategies(
            operation, references=references, lines=lines, category=category
        ).items():
            # The breach report is for managers; an agent would only ever get 403.
            caller = manager if operation.path.startswith("/api/v1/sla/") else agent
            fuzz(strategy, (operation.label, mode.value), tokens[caller])

    elapsed = time.monotonic() - started
    total = sum(sent.values())
    print(f"\nschemathesis: {total} requests, {len(operations)} operations, {elapsed:.0f} s")
    print(f"  answers by status: {dict(sorted(answered.items()))}")
    print(f"  never succeeded: {sorted({op.label for op in operations} - succeeded)}")
    assert total >= MIN_REQUESTS
    assert {label for label, _ in sent} == {operation.label for operation in operations}
    # Not all 404s: the real tickets took most steps at least once.
    assert len(succeeded) >= len(operations) // 2
