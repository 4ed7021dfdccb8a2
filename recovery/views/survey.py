"""The follow-up survey's public page: no login, the link is the key, one answer.

Like the tracking page, a wrong token is a plain 404 and the page never
leaks its address to other sites. An expired survey answers 410 Gone (the
link was real and is no more), on GET and POST alike; an answered one shows
its thanks with 200, so a second click or a double submission reads as
success, not as an error.
"""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from recovery.models import Solved
from recovery.survey import (
    COMMENT_ERROR,
    COMMENT_MAX_LENGTH,
    CSAT_ERROR,
    NPS_ERROR,
    SOLVED_ERROR,
    SurveyClosed,
    survey_answer,
    survey_for_token,
    survey_state,
)


def _scale(low, high, message):
    return {
        "choices": [(str(i), str(i)) for i in range(low, high + 1)],
        "coerce": int,
        "widget": forms.RadioSelect,
        "error_messages": {"required": message, "invalid_choice": message},
    }


class SurveyForm(forms.Form):
    csat = forms.TypedChoiceField(
        label=gettext_lazy("How satisfied are you with the way we handled your complaint?"),
        help_text=gettext_lazy("1 means very dissatisfied, 5 very satisfied."),
        **_scale(1, 5, CSAT_ERROR),
    )
    nps = forms.TypedChoiceField(
        label=gettext_lazy("Now, how likely are you to recommend us to a friend?"),
        help_text=gettext_lazy("0 means not at all likely, 10 extremely likely."),
        **_scale(0, 10, NPS_ERROR),
    )
    solved = forms.ChoiceField(
        label=gettext_lazy("Is your problem really solved?"),
        choices=Solved.choices,
        widget=forms.RadioSelect,
        error_messages={"required": SOLVED_ERROR, "invalid_choice": SOLVED_ERROR},
    )
    comment = forms.CharField(
        label=gettext_lazy("Anything you would like to tell us?"),
        help_text=gettext_lazy("Optional. What worked, what did not, what we could do better."),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        error_messages={"max_length": COMMENT_ERROR},
        widget=forms.Textarea(attrs={"rows": 4}),
    )


@require_http_methods(["GET", "POST"])
def survey_page(request, token):
    survey = survey_for_token(token)
    state = survey_state(survey)
    form = SurveyForm(request.POST if request.method == "POST" and state == "open" else None)
    if form.is_bound and form.is_valid():
        try:
            survey_answer(survey=survey, **form.cleaned_data)
        except SurveyClosed as closed:
            # Answered or expired between loading the survey and locking it.
            state = closed.reason
        else:
            messages.success(request, _("Thank you. We have your answer."))
            return redirect("survey:answer", token=token)
    if state == "expired":
        status = 410
    elif form.errors:
        status = 400
    else:
        status = 200
    response = render(
        request,
        "recovery/survey.html",
        {
            "survey": survey,
            "state": state,
            "form": form,
            "reference": survey.ticket.complaint.reference,
        },
        status=status,
    )
    # The token is the key to this page, as on the tracking page: never leak
    # it to other sites ("same-origin", not "no-referrer", which breaks CSRF).
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store"
    return response
