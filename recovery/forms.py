"""What a step reads, each field declared once: parsed by the ticket page's form and by the API.

A field of a step (``recovery.steps``) is a small declaration that renders
itself twice: as a Django form field for the page (``form_field``, with its
label, help and widget) and as a DRF field for the API (``api_field``, with
its schema help). Each side keeps its own framework's messages for a value
it cannot parse. Neither checks the rules (a reason for "none", an amount to
the cent, a phone number that dials): those live in the services, which
raise ValidationError keyed by their argument's name. So each field is named
after the argument it feeds, and the page and the API show the service's
message beside the field it belongs to. Text fields are not required for
that reason: a missing apology gets the service's message, in the agent's
words, not a generic "required".

Every step form carries ``version``, the ticket's version when the page was
rendered, which the step passes as ``expected_version``: a step taken on an
out-of-date page is refused instead of overwriting a colleague's work. The
page writes that hidden input itself (``recovery/_step_form_head.html``),
from the ticket it shows. Through the API ``version`` is optional: given, a
step on a ticket changed since is refused (409 ``stale_ticket``).
"""

from dataclasses import dataclass

from django import forms
from django.contrib.auth import get_user_model
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from recovery.money import amount_parse
from recovery.selectors import assignable_agents
from shared.people import person_name

# A label or help text: a string, or a translation made lazily (gettext_lazy).
Words = str | Promise

# PostgreSQL's integer: a larger id or version can only be wrong.
MAX_INT = 2**31 - 1
TEXT_MAX = 5000


def textarea(rows=2, **attrs):
    return forms.Textarea(attrs={"rows": rows, **attrs})


# --- The two bases: with the ticket's version, and without (notes) --------------


class UnversionedForm(forms.Form):
    def __init__(self, *args, **kwargs):
        # An empty required field is the service's to report, in its words;
        # the browser's own bubble would pre-empt it with a generic one.
        kwargs.setdefault("use_required_attribute", False)
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, AgentChoiceField):
                field.agents_offer(assignable_agents())
            elif isinstance(field, PickField):
                field.rows_offer(list(field.model._default_manager.filter(active=True)))


class StepForm(UnversionedForm):
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class StepInput(serializers.Serializer):
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_INT,
        help_text="The ticket version you acted on; a step on a changed ticket answers 409.",
    )


# --- The fields -----------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """Free text; blank passes (the service says, in its words, when it is wanted).

    ``help`` is shown on the page, ``api_help`` in the API's schema.
    ``page_max_length`` bounds the page's input where its column is shorter.
    """

    name: str
    label: Words | None = None
    help: Words = ""
    api_help: str = ""
    widget: forms.Widget | None = None
    initial: str | None = None
    max_length: int = TEXT_MAX
    page_max_length: int | None = None
    on_page = True

    def form_field(self):
        return forms.CharField(
            label=self.label,
            required=False,
            max_length=self.page_max_length or self.max_length,
            initial=self.initial,
            help_text=self.help,
            widget=self.widget or textarea(2),
        )

    def api_field(self):
        return serializers.CharField(
            required=False,
            allow_blank=True,
            max_length=self.max_length,
            default="",
            **_help(self.api_help),
        )


@dataclass(frozen=True)
class Choice:
    """One of ``choices``. The page may leave it to the service (``page_required=False``)."""

    name: str
    choices: type[models.Choices]
    label: Words | None = None
    radio: bool = False
    page_required: bool = True
    on_page = True

    def form_field(self):
        return forms.ChoiceField(
            label=self.label,
            choices=self.choices.choices,
            required=self.page_required,
            widget=forms.RadioSelect if self.radio else None,
        )

    def api_field(self):
        return serializers.ChoiceField(choices=self.choices.choices)


@dataclass(frozen=True)
class Flag:
    """A yes/no the API is told; the page has one form for each answer instead."""

    name: str
    api_help: str = ""
    on_page = False

    def api_field(self):
        return serializers.BooleanField(required=False, default=False, **_help(self.api_help))


class AmountField(forms.CharField):
    """The amount as a Decimal's text ("12,50" → "12.50"), for the ledger's own checks."""

    def clean(self, value):
        return amount_parse(super().clean(value))


@dataclass(frozen=True)
class Amount:
    """Money as text, never a float: it keeps its exact cents (the ledger parses it).

    The page reads it as the agent's language writes it ("12,50" in French);
    the API as a decimal in a string. Not a DecimalField on either side: the
    ledger's own rules (to the cent, more than zero, none for a replacement)
    give the messages.
    """

    name: str
    label: Words | None = None
    api_help: str = ""
    on_page = True

    def form_field(self):
        return AmountField(
            label=self.label,
            required=False,
            max_length=20,
            widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        )

    def api_field(self):
        return serializers.CharField(
            required=False,
            allow_blank=True,
            allow_null=True,
            max_length=20,
            default=None,
            **_help(self.api_help),
        )


class AgentChoiceField(forms.TypedChoiceField):
    """One of the agents the form offers (``agents_offer``), cleaned to the user."""

    def agents_offer(self, agents):
        self.agents = {agent.pk: agent for agent in agents}
        self.choices = [("", _("Choose an agent"))] + [
            (agent.pk, person_name(agent)) for agent in agents
        ]

    def clean(self, value):
        return self.agents[super().clean(value)]


@dataclass(frozen=True)
class Assignee:
    """Who gets the ticket: on the page one of the assignable agents; through the API any
    active user's id, or null for nobody (the service checks the role)."""

    name: str
    label: Words | None = None
    api_help: str = ""
    on_page = True

    def form_field(self):
        return AgentChoiceField(
            label=self.label, coerce=int, error_messages={"required": _("Choose an agent.")}
        )

    def api_field(self):
        return serializers.PrimaryKeyRelatedField(
            queryset=get_user_model().objects.filter(is_active=True),
            allow_null=True,
            **_help(self.api_help),
        )


class PickField(forms.TypedChoiceField):
    """One of the rows the form offers (``rows_offer``: the active ones), cleaned to the row.

    Empty cleans to None (``blank`` says what that means: "not recorded").
    """

    def rows_offer(self, rows):
        self.rows = {row.pk: row for row in rows}
        self.choices = [("", self.blank)] + [(row.pk, row.name) for row in rows]

    def clean(self, value):
        pk = super().clean(value)
        return None if pk in (None, "") else self.rows[pk]


@dataclass(frozen=True)
class Pick:
    """A row of a list the managers keep (a category, a root cause), by id; null for none.

    The page offers the rows still offered (``active``); the API takes any
    row's id, so that the service, not a generic "invalid choice", says why a
    retired one is refused. An unknown id is the API's 400 on the field.
    """

    name: str
    model: type[models.Model]
    label: Words | None = None
    blank: Words = ""
    api_help: str = ""
    on_page = True

    def form_field(self):
        field = PickField(label=self.label, coerce=int, required=False, empty_value=None)
        field.model, field.blank = self.model, self.blank
        return field

    def api_field(self):
        return serializers.PrimaryKeyRelatedField(
            queryset=self.model._default_manager.all(),
            allow_null=True,
            **_help(self.api_help),
        )


def _help(text):
    return {"help_text": text} if text else {}


# --- A step's form and its API body, from its fields ----------------------------


def _shape(field):
    # What a DRF field was built with; a queryset by its model (its repr would run it).
    kwargs = field._kwargs
    if "queryset" in kwargs:
        kwargs = {**kwargs, "queryset": kwargs["queryset"].model}
    return type(field), kwargs


def page_form(name, fields, *, versioned=True):
    """The page's form class asking for ``fields``."""
    base = StepForm if versioned else UnversionedForm
    return type(name, (base,), {f.name: f.form_field() for f in fields})


_inputs: dict[str, tuple[type[serializers.Serializer], tuple]] = {}


def api_input(name, fields, *, versioned=True):
    """The API's body class for ``fields``, named ``name`` in the schema.

    Steps reading the same body share one class (the schema has one component
    per name), so asking again for a name with other fields is an error.
    """
    declared = {f.name: f.api_field() for f in fields}
    if versioned and not declared:
        return StepInput
    shape = tuple((key, *_shape(field)) for key, field in declared.items())
    if name in _inputs:
        known, known_shape = _inputs[name]
        if known_shape != shape:
            raise ValueError(f"Two step bodies are named {name} but read different fields.")
        return known
    base = StepInput if versioned else serializers.Serializer
    _inputs[name] = (type(name, (base,), declared), shape)
    return _inputs[name][0]
