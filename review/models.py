"""The daily summary: the review's figures added up per local day, for periods too long to read live.

A year holds half a million tickets; counting them on every page view costs
seconds. These tables hold, per day (and agent, category…), the same counts
and sums the live selectors compute, so a year is a few thousand rows. Only
``review.daily.build`` writes them, replacing whole days at once;
``DailySummary`` says when that last happened.

Agents are plain ids, not foreign keys: a summary row outlives nobody's
account and must not block deleting one.
"""

from typing import Self

from django.db import models


class DailySummary(models.Model):
    """The one row that says how fresh the summary is, and serialises its rebuilds (row lock)."""

    # The moment the last refresh counted today up to: every earlier day was
    # recounted after it ended, and the reader counts this day on live. And
    # when all of history was recounted: until the first full recount the
    # summary is incomplete and nobody reads it.
    refreshed_at = models.DateTimeField(null=True)
    complete_at = models.DateTimeField(null=True)

    class Meta:
        db_table = "recovery_dailysummary"

    def __str__(self) -> str:
        return f"daily summary, refreshed {self.refreshed_at}"

    @classmethod
    def current(cls) -> Self:
        return cls.objects.get_or_create(pk=1)[0]


class DayRow(models.Model):
    """What every summary table has: the local day its counts belong to."""

    day = models.DateField()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.day}"


class DayTickets(DayRow):
    """Per day and assignee: tickets whose promise fell due, kept, first contacts, breaches, resolutions.

    Each count is by the day of its own moment (a ticket contacted on Monday
    and resolved on Friday adds to two rows). Resolutions and reopenings read
    off the timeline have no assignee.
    """

    agent_id = models.IntegerField(null=True)
    promises_due = models.IntegerField(default=0)
    promises_kept = models.IntegerField(default=0)
    contacted = models.IntegerField(default=0)
    breached = models.IntegerField(default=0)
    resolved = models.IntegerField(default=0)
    resolution_events = models.IntegerField(default=0)
    reopenings = models.IntegerField(default=0)

    class Meta:
        db_table = "recovery_daytickets"
        indexes = [models.Index(fields=["day"], name="day_tickets_day_idx")]


class DayDurations(DayRow):
    """How long things took, as a histogram per day: ``tickets`` whose duration fell in ``bucket``.

    The buckets are ``review.daily.scale``'s: a minute wide under an
    hour, growing to a day past a month, so percentiles read from them are
    within half a bucket of the exact ones.
    """

    # All first contacts (agent_id always null), the same per assignee (null:
    # nobody), and resolutions: the per-agent rows are ten times as many, so
    # the indicators page does not add them up.
    FIRST_CONTACT = "first_contact"
    AGENT_FIRST_CONTACT = "agent_first_contact"
    RESOLUTION = "resolution"

    measure = models.CharField(max_length=24)
    agent_id = models.IntegerField(null=True)
    bucket = models.SmallIntegerField()
    tickets = models.IntegerField()

    class Meta:
        db_table = "recovery_daydurations"
        indexes = [models.Index(fields=["day"], name="day_durations_day_idx")]


class DayComplaints(DayRow):
    """Per day: complaints by channel, category, the remedy bucket asked for and the root cause.

    ``category_id`` is the category the ticket counts under (the agent's
    correction, else the customer's pick: ``recovery.selectors.counted_category``);
    ``root_cause_id`` is null until an agent records one.
    """

    channel = models.CharField(max_length=16)
    category_id = models.IntegerField(null=True)
    root_cause_id = models.IntegerField(null=True)
    remedy = models.CharField(max_length=16)
    complaints = models.IntegerField()

    class Meta:
        db_table = "recovery_daycomplaints"
        indexes = [models.Index(fields=["day"], name="day_complaints_day_idx")]


class DaySurveys(DayRow):
    """Per day, assignee and NPS group at intake: the follow-up answers and their scores.

    ``intake`` is "" when the customer gave no score at intake. ``nps_tickets``
    and ``won_back`` count tickets within the day: a ticket answering twice on
    different days counts on each.
    """

    agent_id = models.IntegerField(null=True)
    intake = models.CharField(max_length=10, blank=True)
    answers = models.IntegerField(default=0)
    csat_answers = models.IntegerField(default=0)
    csat_total = models.IntegerField(default=0)
    csat_satisfied = models.IntegerField(default=0)
    nps_answers = models.IntegerField(default=0)
    promoters = models.IntegerField(default=0)
    detractors = models.IntegerField(default=0)
    nps_tickets = models.IntegerField(default=0)
    won_back = models.IntegerField(default=0)

    class Meta:
        db_table = "recovery_daysurveys"
        indexes = [models.Index(fields=["day"], name="day_surveys_day_idx")]


class DayCompensation(DayRow):
    """Per day, assignee, kind and currency: compensation lines handed over and their amount."""

    agent_id = models.IntegerField(null=True)
    kind = models.CharField(max_length=16)
    currency = models.CharField(max_length=3, blank=True)
    lines = models.IntegerField()
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True)

    class Meta:
        db_table = "recovery_daycompensation"
        indexes = [models.Index(fields=["day"], name="day_compensation_day_idx")]


class DayCompensatedTickets(DayRow):
    """Per day and currency: how many tickets got an amount in it (the average's divisor).

    Distinct within the day: a ticket given money on two days counts on each.
    """

    currency = models.CharField(max_length=3)
    tickets = models.IntegerField()

    class Meta:
        db_table = "recovery_daycompensatedtickets"
        indexes = [models.Index(fields=["day"], name="day_compensated_day_idx")]
