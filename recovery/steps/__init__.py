"""Every step an agent takes on a ticket, declared once: the table both doors are built from.

Each line of ``STEPS`` (``recovery.steps.table``, ending with ``recovery.steps.record``) says what the step is
called, where it is posted, which service it calls, what it reads, what it
tells the agent and whether it creates something (a call, a ledger line, a
note). The ticket page's
views and addresses (``recovery.views.steps``, ``recovery.urls``) and the
API's (``recovery.api.actions``, ``config.api``) are generated from it, so
adding a step means one line in the table, one service and its form in
the page's template.

A step has one API route and one or more forms on the page (``Page``): the
API's ``assign`` takes any assignee or null, the page has "Assign to me",
"Unassign" and "Assign to…"; the API's ``notes`` says ``customer_visible``,
the page has a note box and a message box. A page form may fix what its
buttons mean (``preset``) instead of asking.

A line names its service through a small adapter (``recovery.steps.adapters``)
where the service's arguments are not the fields as read. What a field is,
on the page and in the API, is declared once in ``recovery.forms``.
"""

from recovery.steps.step import AGENT as AGENT
from recovery.steps.step import LINE as LINE
from recovery.steps.step import Page as Page
from recovery.steps.step import Step as Step
from recovery.steps.table import STEPS as STEPS
