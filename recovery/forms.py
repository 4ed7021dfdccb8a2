"""The forms of the ticket page, one per step.

They only parse what the agent typed: the rules (a reason for "none", an
amount to the cent, a phone number that dials) live in the services, which
raise ValidationError keyed by their argument's name. So each field is named
after the argument it feeds, and the page shows the service's message beside
the field it belongs to.

Every step form carries ``version``, the ticket's version when the page was
rendered, which the view passes as ``expected_version``: a step taken on an
out-of-date page is refused instead of overwriting a colleague's work. The
page writes that hidden input itself (``recovery/_step_form_head.html``),
from the ticket it shows.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from recovery.choices import CallbackOutcome, CompensationKind, Priority
from recovery.money import amount_parse
from shared.people import person_name


def _textarea(rows=3, **attrs):
    return forms.Textarea(attrs={"rows": rows, **attrs})


class StepForm(forms.Form):
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        # An empty required field is the service's to report, in its words;
        # the browser's own bubble would pre-empt it with a generic one.
        kwargs.setdefault("use_required_attribute", False)
        super().__init__(*args, **kwargs)


class CallbackAttemptForm(StepForm):
    number_called = forms.CharField(
        label=_("Number called"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    # Nothing preselected: a default would log "reached" for a call nobody answered.
    # Left empty, the service says what is missing (required=False lets it speak).
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=CallbackOutcome.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=5000,
        help_text=_("Internal: what was said, a better time to call."),
        widget=_textarea(2),
    )


class AcknowledgeMessageForm(StepForm):
    message = forms.CharField(
        label=_("Message you sent the customer"),
        required=False,
        max_length=5000,
        help_text=_("The customer will see this."),
        widget=_textarea(4),
    )


class ApologyForm(StepForm):
    text = forms.CharField(
        label=_("Apology"),
        required=False,
        max_length=5000,
        help_text=_("The customer will see this, in these words."),
        widget=_textarea(4),
    )


class CompensationProposeForm(StepForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=CompensationKind.choices)
    # Text, not DecimalField: the ledger's own rules (to the cent, more than
    # zero, none for a replacement) give the messages. Typed as the agent's
    # language writes it ("12,50" in French), read by clean_amount.
    amount = forms.CharField(
        label=_("Amount"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    currency = forms.CharField(
        label=_("Currency"),
        required=False,
        max_length=3,
        initial="EUR",
        widget=forms.TextInput(attrs={"autocomplete": "off", "size": 3}),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=5000,
        help_text=_("What exactly is offered: the order refunded, the voucher's use."),
        widget=_textarea(2),
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=5000,
        help_text=_("Required for “No compensation”: why nothing is due."),
        widget=_textarea(2),
    )

    def clean_amount(self):
        """The amount as a Decimal's text ("12,50" → "12.50"), for the ledger's own checks."""
        return amount_parse(self.cleaned_data["amount"])


class FulfilForm(StepForm):
    """Handing a line over; a voucher or discount with its code (the service checks them)."""

    code = forms.CharField(
        label=_("Code"),
        required=False,
        max_length=5000,
        help_text=_("The customer will see this: the voucher or discount code, as issued."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    redeem_instructions = forms.CharField(
        label=_("How to use it"),
        required=False,
        max_length=5000,
        help_text=_("The customer will see this: where to enter the code, until when."),
        widget=_textarea(2),
    )


class ReasonForm(StepForm):
    """A step that needs a written reason (internal)."""

    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=5000, widget=_textarea(2)
    )


class DeclineForm(ReasonForm):
    reason = forms.CharField(
        label=_("Why it is declined"), required=False, max_length=5000, widget=_textarea(2)
    )


class CloseInvalidForm(ReasonForm):
    reason = forms.CharField(
        label=_("Why the ticket is invalid"),
        required=False,
        max_length=5000,
        help_text=_("Spam, a duplicate of another ticket, not a complaint…"),
        widget=_textarea(2),
    )


class ReopenForm(ReasonForm):
    reason = forms.CharField(
        label=_("Why reopen it"),
        required=False,
        max_length=5000,
        help_text=_("Internal: what the customer still needs."),
        widget=_textarea(2),
    )


class ResolveForm(StepForm):
    note = forms.CharField(
        label=_("How the follow-up went"),
        required=False,
        max_length=5000,
        help_text=_("Internal, optional."),
        widget=_textarea(2),
    )


class PriorityForm(StepForm):
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)


class AssignForm(StepForm):
    assignee = forms.TypedChoiceField(
        label=_("Assign to"), coerce=int, error_messages={"required": _("Choose an agent.")}
    )

    def __init__(self, *args, agents, **kwargs):
        super().__init__(*args, **kwargs)
        self.agents = {agent.pk: agent for agent in agents}
        self.fields["assignee"].choices = [("", _("Choose an agent"))] + [
            (agent.pk, person_name(agent)) for agent in agents
        ]

    def clean_assignee(self):
        return self.agents[self.cleaned_data["assignee"]]


class NoteForm(forms.Form):
    """An internal note or a message to the customer.

    No version: a note changes no workflow column, so it can never be stale
    and never makes a colleague's step stale either.
    """

    text = forms.CharField(required=False, max_length=5000, widget=_textarea(3))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("use_required_attribute", False)
        super().__init__(*args, **kwargs)


class InternalNoteForm(NoteForm):
    text = forms.CharField(
        label=_("Internal note"),
        required=False,
        max_length=5000,
        help_text=_("Only agents see this."),
        widget=_textarea(3),
    )


class CustomerMessageForm(NoteForm):
    text = forms.CharField(
        label=_("Message to the customer"),
        required=False,
        max_length=5000,
        help_text=_("The customer will see this, on their tracking page."),
        widget=_textarea(3),
    )
