"""What a line of the step table says (``Step``), and each of its forms on the page (``Page``)."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from recovery.forms import Words, api_input, page_form

# A ledger line's steps are posted under its address.
LINE = "compensations/<int:compensation_id>/"
AGENT = "agent"


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
    fields: tuple = ()
    preset: Callable | None = None
    initial: Callable | None = None


@dataclass(frozen=True, eq=False)
class Step:
    """One step: its API name and route, its service, what it reads, its forms on the page.

    ``body`` names what the API reads in the schema (steps reading the same
    fields share one); ``versioned`` is False for a step that can never be
    stale (a note changes no workflow column); ``who`` may take it.
    """

    name: str
    route: str
    perform: Callable
    summary: Words
    body: str
    pages: tuple[Page, ...]
    fields: tuple = ()
    creates: bool = False
    versioned: bool = True
    who: str = AGENT

    @property
    def on_line(self):
        return self.route.startswith(LINE)

    @property
    def api_input(self):
        return api_input(self.body, self.fields, versioned=self.versioned)

    def page_route(self, page):
        return page.route or self.route

    def page_form(self, page):
        return _page_form(self, page)


@cache
def _page_form(step, page):
    replaced = {f.name: f for f in page.fields}
    fields = [
        replaced.get(f.name, f)
        for f in step.fields
        if (f.on_page if page.asks is None else f.name in page.asks)
    ]
    name = "".join(part.title() for part in page.prefix.split("_")) + "Form"
    return page_form(name, fields, versioned=step.versioned)
