"""What a line of the step table says (``Step``), and each of its forms on the page (``Page``)."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol

from django import forms
from django.contrib.auth.models import User
from rest_framework import serializers

from recovery.forms import Amount, Assignee, Choice, Flag, Pick, Text, Words, api_input, page_form
from recovery.message_files import Files
from recovery.models import Compensation, Ticket

# A ledger line's steps are posted under its address.
LINE = "compensations/<int:compensation_id>/"
AGENT = "agent"

# What a step reads: one field, declared in ``recovery.forms`` (files: ``recovery.message_files``).
Field = Text | Choice | Flag | Amount | Assignee | Pick | Files


class Perform(Protocol):
    """A step's adapter onto its service (``recovery.steps.adapters``).

    It returns None, or a message for the page that says more than the
    form's ``success``.
    """

    def __call__(
        self,
        *,
        ticket: Ticket,
        compensation: Compensation | None,
        actor: User | None,
        data: Mapping[str, Any],
    ) -> Words | None: ...


@dataclass(frozen=True, eq=False)
class Page:
    """A form on the ticket page that takes the step.

    ``name`` is its address's name (``agent:<name>``); ``prefix`` names the
    form on the page (its fields are ``<prefix>-<field>``, a ledger line's
    ``<prefix>-<line id>-<field>``); ``route`` defaults to the step's. The
    form asks for the step's fields that can be typed, or only those named in
    ``asks``; ``fields`` replace the step's fields of the same name for this
    form (another label); ``preset(actor)`` gives the values this form does
    not ask for; ``initial(ticket)`` fills it in when the page shows it.
    """

    name: str
    prefix: str
    success: Words
    route: str = ""
    asks: tuple[str, ...] | None = None
    fields: tuple[Field, ...] = ()
    preset: Callable[[User | None], dict[str, Any]] | None = None
    initial: Callable[[Ticket], dict[str, Any]] | None = None


@dataclass(frozen=True, eq=False)
class Step:
    """One step: its API name and route, its service, what it reads, its forms on the page.

    ``body`` names what the API reads in the schema (steps reading the same
    fields share one); ``versioned`` is False for a step that can never be
    stale (a note changes no workflow column); ``who`` may take it.
    """

    name: str
    route: str
    perform: Perform
    summary: Words
    body: str
    pages: tuple[Page, ...]
    fields: tuple[Field, ...] = ()
    creates: bool = False
    versioned: bool = True
    who: str = AGENT

    @property
    def on_line(self) -> bool:
        return self.route.startswith(LINE)

    @property
    def api_input(self) -> type[serializers.Serializer]:
        return api_input(self.body, self.fields, versioned=self.versioned)

    def page_route(self, page: Page) -> str:
        return page.route or self.route

    def page_form(self, page: Page) -> type[forms.Form]:
        return _page_form(self, page)


@cache
def _page_form(step: Step, page: Page) -> type[forms.Form]:
    replaced = {f.name: f for f in page.fields}
    fields = [
        replaced.get(f.name, f)
        for f in step.fields
        if (f.on_page if page.asks is None else f.name in page.asks)
    ]
    name = "".join(part.title() for part in page.prefix.split("_")) + "Form"
    return page_form(name, fields, versioned=step.versioned)
