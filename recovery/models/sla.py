"""The callback promise managers set: windows, reminders and opening hours."""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from recovery.choices import Priority


class SlaSettings(models.Model):
    """The callback promise, editable by managers. There is one row (pk=1)."""

    high_hours = models.PositiveSmallIntegerField(
        _("callback window for high priority (hours)"),
        default=24,
        validators=[MinValueValidator(1)],
    )
    standard_hours = models.PositiveSmallIntegerField(
        _("callback window for standard priority (hours)"),
        default=48,
        validators=[MinValueValidator(1)],
    )
    # The next-reply promise: once acknowledged, a customer's message is answered within these.
    high_reply_hours = models.PositiveSmallIntegerField(
        _("reply window for high priority (hours)"),
        default=24,
        validators=[MinValueValidator(1)],
    )
    standard_reply_hours = models.PositiveSmallIntegerField(
        _("reply window for standard priority (hours)"),
        default=24,
        validators=[MinValueValidator(1)],
    )
    follow_up_days = models.PositiveSmallIntegerField(
        _("follow-up after compensation (days)"), default=7, validators=[MinValueValidator(1)]
    )
    # Reminders fire at these shares of the callback window; empty means none.
    first_reminder_percent = models.PositiveSmallIntegerField(
        _("first reminder (% of the window)"),
        null=True,
        blank=True,
        default=50,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
    )
    second_reminder_percent = models.PositiveSmallIntegerField(
        _("second reminder (% of the window)"),
        null=True,
        blank=True,
        default=75,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
    )
    # Off by default: the promise counts every hour, as the form tells the customer.
    business_hours = models.BooleanField(
        _("count only opening hours"),
        default=False,
        help_text=_(
            "When on, callback windows count only the opening hours below, "
            "and holidays do not count."
        ),
    )
    time_zone = models.CharField(
        _("time zone of the opening hours"), max_length=64, default=settings.TIME_ZONE
    )

    class Meta:
        verbose_name = _("SLA settings")
        verbose_name_plural = _("SLA settings")

    def __str__(self):
        return str(_("SLA settings"))

    def clean(self):
        try:
            zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValidationError(
                {"time_zone": _("Enter a time zone such as Europe/Paris.")}
            ) from None
        first, second = self.first_reminder_percent, self.second_reminder_percent
        if first and second and first >= second:
            raise ValidationError(
                {"second_reminder_percent": _("The second reminder must come after the first.")}
            )

    def reminder_fractions(self):
        """The configured reminder points as fractions of the window, earliest first."""
        percents = {self.first_reminder_percent, self.second_reminder_percent} - {None, 0}
        return [p / 100 for p in sorted(percents)]

    @classmethod
    def current(cls):
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj

    def hours_for(self, priority):
        return self.high_hours if priority == Priority.HIGH else self.standard_hours

    def reply_hours_for(self, priority):
        return self.high_reply_hours if priority == Priority.HIGH else self.standard_reply_hours


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class OpeningHours(models.Model):
    """One span of a weekday when agents answer, in the SLA time zone.

    A day may have several spans (a lunch break); a day without one is closed.
    """

    sla = models.ForeignKey(SlaSettings, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["weekday", "opens"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes__gt=models.F("opens")), name="opening_hours_closes_after"
            )
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def clean(self):
        if self.opens and self.closes and self.closes <= self.opens:
            raise ValidationError({"closes": _("Closing time must be after opening time.")})


class Holiday(models.Model):
    """A day the team is closed all day, whatever its weekday."""

    sla = models.ForeignKey(SlaSettings, on_delete=models.CASCADE, related_name="holidays")
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=100, blank=True, default="")

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        constraints = [models.UniqueConstraint(fields=["sla", "date"], name="holiday_once_a_day")]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}".strip()
