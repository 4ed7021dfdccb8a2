"""The follow-up survey: did the recovery work, in the customer's own words and scores."""

import secrets
from datetime import timedelta

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# How long a survey link stays valid.
SURVEY_DAYS = 28


def survey_token():
    return secrets.token_urlsafe(32)


def survey_expiry():
    return timezone.now() + timedelta(days=SURVEY_DAYS)


class Solved(models.TextChoices):
    YES = "yes", _("Yes")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")


class SurveyOutcome(models.TextChoices):
    WAITING = "", _("Waiting for an answer")
    RESOLVED = "resolved", _("Resolved")
    REOPENED = "reopened", _("Reopened for another try")
    NO_ANSWER = "no_answer", _("No answer")


class Survey(models.Model):
    """One follow-up survey: its own link (no login), one answer, valid 28 days.

    A ticket reopened and followed up again gets a second survey; each keeps
    its answer, so the review can compare rounds.
    """

    ticket = models.ForeignKey("recovery.Ticket", on_delete=models.CASCADE, related_name="surveys")
    # 256 bits: the link is the only credential.
    token = models.CharField(max_length=64, unique=True, default=survey_token, editable=False)
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(default=survey_expiry)
    answered_at = models.DateTimeField(null=True, blank=True)
    csat = models.PositiveSmallIntegerField(
        _("satisfaction with how we handled it"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    nps = models.PositiveSmallIntegerField(
        _("how likely to recommend us"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(10)],
    )
    solved = models.CharField(
        _("was the problem solved"), max_length=8, choices=Solved.choices, blank=True, default=""
    )
    comment = models.TextField(_("comment"), blank=True, default="")
    outcome = models.CharField(
        max_length=16, choices=SurveyOutcome.choices, blank=True, default=SurveyOutcome.WAITING
    )

    class Meta:
        ordering = ["sent_at", "pk"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(csat__isnull=True) | models.Q(csat__gte=1, csat__lte=5),
                name="survey_csat_1_5",
            ),
            models.CheckConstraint(
                condition=models.Q(nps__isnull=True) | models.Q(nps__lte=10),
                name="survey_nps_0_10",
            ),
        ]
        indexes = [
            # The sweep closes surveys nobody answered: only the waiting ones.
            models.Index(
                fields=["expires_at"],
                name="survey_waiting_idx",
                condition=models.Q(outcome=""),
            ),
            # The review reads answers by period.
            models.Index(
                fields=["answered_at"],
                name="survey_answered_idx",
                condition=models.Q(answered_at__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.ticket_id} {self.sent_at:%Y-%m-%d}"

    @property
    def is_answered(self):
        return self.answered_at is not None

    def is_expired(self, now=None):
        return (now or timezone.now()) >= self.expires_at
