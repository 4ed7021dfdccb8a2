"""The step table is the only list of steps: the page's and the API's routes are built from it.

Every line has its forms on the ticket page and one API route, which resolve
to views taking that very line (so both reach its one service, through one
adapter), and both read the same fields. No step on a ticket is posted
anywhere the table does not say.
"""

import pytest
from django.urls import URLPattern, reverse

from config.api import v1
from recovery.steps import STEPS
from recovery.urls import urlpatterns as page_patterns

TICKET = "tickets/<str:reference>/"


def _step_patterns(patterns):
    """The patterns posted under a ticket's address (the ticket itself aside)."""
    return [
        p
        for p in patterns
        if isinstance(p, URLPattern)
        and str(p.pattern).startswith(TICKET)
        and str(p.pattern) != TICKET
    ]


def _args(step):
    return ["AM-2345-6789", 1] if step.on_line else ["AM-2345-6789"]


def test_every_step_has_its_forms_on_the_page_and_one_api_route():
    for step in STEPS:
        assert step.pages, step.name
        for page in step.pages:
            assert reverse(f"agent:{page.name}", args=_args(step)).startswith("/agent/tickets/")
        assert reverse(f"api:ticket_{step.name}", args=_args(step)).startswith("/api/v1/tickets/")


def test_the_page_and_the_api_take_the_same_line_of_the_table():
    pages = {p.name: p.callback for p in _step_patterns(page_patterns)}
    api = {p.name: p.callback for p in _step_patterns(v1)}
    for step in STEPS:
        assert api[f"ticket_{step.name}"].view_class.step is step
        for page in step.pages:
            assert pages[page.name].step is step
            assert pages[page.name].page is page


def test_no_step_is_posted_where_the_table_does_not_say():
    page_routes = {
        (p.name, str(p.pattern).removeprefix(TICKET)) for p in _step_patterns(page_patterns)
    }
    api_routes = {(p.name, str(p.pattern).removeprefix(TICKET)) for p in _step_patterns(v1)}

    assert page_routes == {
        (page.name, step.page_route(page)) for step in STEPS for page in step.pages
    }
    assert api_routes == {(f"ticket_{step.name}", step.route) for step in STEPS}


@pytest.mark.django_db  # the assign form offers the agents
def test_each_page_form_reads_the_api_body_but_what_its_buttons_mean():
    actor = object()
    for step in STEPS:
        body = set(step.api_input().fields)
        for page in step.pages:
            asked = set(step.page_form(page)().fields)
            preset = set(page.preset(actor)) if page.preset else set()
            assert asked | preset <= body, page.name
            assert not asked & preset, page.name
            # The API may offer more ways (acknowledge by phone; files, which go with a
            # message and not with the page's internal note); the page's form fills the rest.
            assert body - asked - preset <= {"number_called", "note", "attachments"}, page.name


def test_names_and_prefixes_are_unique():
    names = [step.name for step in STEPS]
    pages = [page.name for step in STEPS for page in step.pages]
    prefixes = [page.prefix for step in STEPS for page in step.pages]
    assert len(set(names)) == len(names)
    assert len(set(pages)) == len(pages)
    assert len(set(prefixes)) == len(prefixes)
