"""What an agent typed into a step that was refused because the ticket changed meanwhile.

A stale step answers with a redirect to the ticket page (so the address is the
ticket's, and a reload sends nothing twice), which loses the POST. The typed
text rides along in the session, once: the ticket page puts it back into its
form when that form is still on the page, and shows it to copy in any case
(the step may be done by now, by the colleague who made the tab stale).
"""

from django import forms

SESSION_KEY = "amends.stale_step_drafts"


def draft_keep(request, *, reference: str, form: forms.Form) -> None:
    """Keep the text fields ``form`` was sent with, for the next view of ``reference``."""
    typed = [
        {"name": name, "label": str(form.fields[name].label), "value": value}
        for name, value in form.cleaned_data.items()
        if isinstance(form.fields[name].widget, forms.Textarea | forms.TextInput)
        and isinstance(value, str)
        and value.strip()
    ]
    if not typed:
        return
    drafts = request.session.get(SESSION_KEY, {})
    drafts[reference] = {"prefix": form.prefix, "typed": typed}
    request.session[SESSION_KEY] = drafts


def draft_pop(request, *, reference: str) -> dict | None:
    """The draft kept for ``reference``, if any, forgotten as it is given back."""
    drafts = request.session.get(SESSION_KEY)
    if not drafts or reference not in drafts:
        return None
    draft = drafts.pop(reference)
    request.session[SESSION_KEY] = drafts
    return draft
