"""Canned replies: the reply and apology templates managers keep for agents to start from."""

from string import Formatter

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from complaints.models import Category

# What a canned text may ask for, in braces: the same names in every language,
# so a template translated from another keeps working. recovery.canned fills them.
PLACEHOLDERS = ("first_name", "reference", "callback_time", "agent_name")


class CannedKind(models.TextChoices):
    REPLY = "reply", _("Reply")
    APOLOGY = "apology", _("Apology")


def canned_text_validate(text: str) -> None:
    """Refuse a text whose braces are not placeholders (nor doubled, as ``{{`` and ``}}``).

    Checked when a manager saves the template, so that an unknown name never
    reaches the agent's box, let alone a customer: Python's format syntax,
    restricted to bare known names (no ``{0}``, ``{reference.x}``, ``{x:>9}``).
    """
    names = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
    try:
        pieces = list(Formatter().parse(text))
    except ValueError:
        raise ValidationError(
            _(
                "A brace on its own is not a placeholder: write {{ for { and }} for }. "
                "The placeholders are %(names)s."
            ),
            code="unbalanced_brace",
            params={"names": names},
        ) from None
    for _literal, field, spec, conversion in pieces:
        if field is None:
            continue
        if field not in PLACEHOLDERS or spec or conversion:
            shown = "{" + field + (f"!{conversion}" if conversion else "")
            shown += (f":{spec}" if spec else "") + "}"
            raise ValidationError(
                _(
                    "Unknown placeholder %(placeholder)s. The placeholders are %(names)s; "
                    "write {{ and }} for a brace itself."
                ),
                code="unknown_placeholder",
                params={"placeholder": shown, "names": names},
            )


class CannedReply(models.Model):
    """A template an agent picks in a ticket's reply, acknowledgement or apology box.

    Agents are offered the active ones in the ticket's language, for its
    category or for any (``category`` empty). The text is filled in on the
    server (``recovery.canned.canned_reply_fill``) and shown in the box for the
    agent to edit: it is a starting point, never sent by itself.
    """

    title = models.CharField(_("title"), max_length=120)
    kind = models.CharField(_("kind"), max_length=16, choices=CannedKind.choices)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: offered for every category."),
    )
    text = models.TextField(
        _("text"),
        validators=[canned_text_validate],
        help_text=_(
            "Placeholders, filled in when an agent picks the reply: {first_name} (the "
            "customer's), {reference}, {callback_time} (the callback promise) and "
            "{agent_name}. Write {{ and }} for a brace itself."
        ),
    )
    active = models.BooleanField(_("offered to agents"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["kind", "title", "id"]
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")
        indexes = [
            # The ticket page's one query: active, this language (category and kind
            # are a handful of rows each, filtered in the same scan).
            models.Index(
                fields=["language", "kind"],
                condition=models.Q(active=True),
                name="canned_offered_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title
