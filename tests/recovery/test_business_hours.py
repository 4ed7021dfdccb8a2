"""The callback window counted in opening hours, when managers switch it on.

Expected moments are written out by hand in Paris time; 2026 calendar:
Friday 6 March, Friday 27 March (Paris springs forward on Sunday 29 March),
Friday 1 May (a holiday), Friday 23 October (Paris falls back on Sunday 25).
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from recovery.business_hours import Calendar, next_opening, open_time_add
from recovery.choices import Priority
from recovery.deadlines import deadlines_sweep
from recovery.models import Holiday, OpeningHours, SlaSettings
from recovery.sla import callback_due_at, reminder_times
from tests.factories import CategoryFactory, ticketed_complaint

PARIS = ZoneInfo("Europe/Paris")
WEEKDAYS = range(5)


def paris(*args):
    return datetime(*args, tzinfo=PARIS)


def calendar(spans=((time(9), time(17)),), days=WEEKDAYS, holidays=()):
    return Calendar(
        time_zone="Europe/Paris",
        spans={day: list(spans) for day in days},
        holidays=frozenset(holidays),
    )


OFFICE = calendar()
LUNCH_BREAK = calendar(spans=((time(9), time(12)), (time(13), time(17))))


def hours(n):
    return timedelta(hours=n)


class TestOpenTimeAdd:
    def test_friday_afternoon_complaint_with_8_open_hours_is_due_monday_afternoon(self):
        due = open_time_add(paris(2026, 3, 6, 16), hours(8), calendar=OFFICE)
        assert due == paris(2026, 3, 9, 16)
        assert due == datetime(2026, 3, 9, 15, tzinfo=UTC)
        assert due.tzinfo is UTC

    def test_saturday_complaint_counts_from_monday_opening(self):
        due = open_time_add(paris(2026, 3, 7, 11, 30), hours(4), calendar=OFFICE)
        assert due == paris(2026, 3, 9, 13)

    def test_duration_used_up_exactly_at_closing_ends_at_closing_time(self):
        due = open_time_add(paris(2026, 3, 7, 11, 30), hours(8), calendar=OFFICE)
        assert due == paris(2026, 3, 9, 17)

    def test_complaint_at_closing_time_counts_from_next_morning(self):
        due = open_time_add(paris(2026, 3, 9, 17), hours(1), calendar=OFFICE)
        assert due == paris(2026, 3, 10, 10)

    def test_complaint_before_opening_counts_from_opening(self):
        due = open_time_add(paris(2026, 3, 9, 7, 45), hours(2), calendar=OFFICE)
        assert due == paris(2026, 3, 9, 11)

    def test_start_in_any_time_zone_is_read_as_the_same_instant(self):
        start = datetime(2026, 3, 6, 15, tzinfo=UTC)  # 16:00 in Paris
        assert open_time_add(start, hours(8), calendar=OFFICE) == paris(2026, 3, 9, 16)

    def test_holiday_closes_the_whole_day(self):
        # Friday 1 May 2026 is Labour Day.
        may_day = calendar(holidays=[date(2026, 5, 1)])
        due = open_time_add(paris(2026, 4, 30, 16), hours(8), calendar=may_day)
        assert due == paris(2026, 5, 4, 16)

    def test_lunch_break_does_not_count(self):
        due = open_time_add(paris(2026, 3, 9, 11), hours(3), calendar=LUNCH_BREAK)
        assert due == paris(2026, 3, 9, 15)

    def test_complaint_during_lunch_counts_from_the_afternoon_opening(self):
        due = open_time_add(paris(2026, 3, 9, 12, 20), hours(1), calendar=LUNCH_BREAK)
        assert due == paris(2026, 3, 9, 14)

    def test_overlapping_spans_count_each_hour_once(self):
        overlapping = calendar(spans=((time(9), time(13)), (time(11), time(17))))
        due = open_time_add(paris(2026, 3, 9, 9), hours(9), calendar=overlapping)
        assert due == paris(2026, 3, 10, 10)

    def test_weekend_of_spring_forward_still_counts_8_real_hours_a_day(self):
        due = open_time_add(paris(2026, 3, 27, 9), hours(16), calendar=OFFICE)
        assert due == paris(2026, 3, 30, 17)
        assert due == datetime(2026, 3, 30, 15, tzinfo=UTC)
        # Friday 08:00 UTC to Monday 15:00 UTC: three days and seven hours.
        assert due - paris(2026, 3, 27, 9) == timedelta(days=3, hours=7)

    def test_weekend_of_fall_back_still_counts_8_real_hours_a_day(self):
        due = open_time_add(paris(2026, 10, 23, 9), hours(16), calendar=OFFICE)
        assert due == paris(2026, 10, 26, 17)
        assert due == datetime(2026, 10, 26, 16, tzinfo=UTC)

    def test_night_span_across_spring_forward_lasts_three_real_hours(self):
        # Sunday 29 March 2026, 01:00-05:00 on the wall clock: 00:00-03:00 UTC.
        night = calendar(spans=((time(1), time(5)),), days=[6])
        start = paris(2026, 3, 28, 12)
        assert open_time_add(start, hours(3), calendar=night) == paris(2026, 3, 29, 5)
        assert open_time_add(start, hours(4), calendar=night) == paris(2026, 4, 5, 2)

    def test_night_span_across_fall_back_lasts_five_real_hours(self):
        # Sunday 25 October 2026, 01:00-05:00 on the wall clock: 23:00 (Sat)-04:00 UTC.
        night = calendar(spans=((time(1), time(5)),), days=[6])
        due = open_time_add(paris(2026, 10, 24, 12), hours(5), calendar=night)
        assert due == datetime(2026, 10, 25, 4, tzinfo=UTC)
        assert due == paris(2026, 10, 25, 5)

    def test_no_opening_hours_configured_counts_real_hours(self):
        empty = Calendar(time_zone="Europe/Paris", spans={}, holidays=frozenset())
        due = open_time_add(paris(2026, 3, 6, 16), hours(48), calendar=empty)
        assert due == datetime(2026, 3, 8, 15, tzinfo=UTC)

    def test_holidays_closing_every_day_fall_back_to_real_hours(self):
        start = date(2026, 3, 6)
        every_day = [start + timedelta(days=n) for n in range(366 * 2 + 1)]
        closed = calendar(holidays=every_day)
        due = open_time_add(paris(2026, 3, 6, 16), hours(8), calendar=closed)
        assert due == datetime(2026, 3, 6, 23, tzinfo=UTC)


class TestNextOpening:
    def test_while_open_it_is_that_very_moment(self):
        at = paris(2026, 3, 9, 10, 15, 30)
        assert next_opening(at, calendar=OFFICE) == at

    def test_at_closing_time_it_is_the_next_morning(self):
        assert next_opening(paris(2026, 3, 9, 17), calendar=OFFICE) == paris(2026, 3, 10, 9)

    def test_on_a_saturday_it_is_monday_morning(self):
        assert next_opening(paris(2026, 3, 7, 10), calendar=OFFICE) == paris(2026, 3, 9, 9)

    def test_during_lunch_it_is_the_afternoon_opening(self):
        at = paris(2026, 3, 9, 12, 30)
        assert next_opening(at, calendar=LUNCH_BREAK) == paris(2026, 3, 9, 13)


@pytest.fixture
def office_sla(db):
    """Business hours on, Monday to Friday 09:00-17:00 in Paris."""
    sla = SlaSettings.current()
    sla.business_hours = True
    sla.save()
    OpeningHours.objects.bulk_create(
        OpeningHours(sla=sla, weekday=day, opens=time(9), closes=time(17)) for day in WEEKDAYS
    )
    return SlaSettings.current()


@pytest.mark.django_db
class TestTheSlaSettings:
    def test_off_by_default_a_friday_complaint_is_due_48_real_hours_later(self):
        OpeningHours.objects.create(
            sla=SlaSettings.current(), weekday=0, opens=time(9), closes=time(17)
        )
        ticket = ticketed_complaint(submitted_at=paris(2026, 3, 6, 16)).ticket
        assert ticket.callback_due_at == paris(2026, 3, 8, 16)

    def test_standard_callback_counts_48_open_hours(self, office_sla):
        # Friday 1 h, Monday to Friday 40 h, then Monday 7 h.
        due = callback_due_at(submitted_at=paris(2026, 3, 6, 16), priority=Priority.STANDARD)
        assert due == paris(2026, 3, 16, 16)

    def test_high_priority_callback_counts_24_open_hours(self, office_sla):
        due = callback_due_at(submitted_at=paris(2026, 3, 6, 16), priority=Priority.HIGH)
        assert due == paris(2026, 3, 11, 16)

    def test_holidays_managers_enter_are_skipped(self, office_sla):
        Holiday.objects.create(sla=office_sla, date=date(2026, 5, 1), name="Labour Day")
        due = callback_due_at(
            submitted_at=paris(2026, 4, 30, 16), priority=Priority.HIGH, sla=SlaSettings.current()
        )
        # Thursday 1 h, Monday 4 May to Wednesday 6 May 23 h.
        assert due == paris(2026, 5, 6, 16)

    def test_reminders_at_half_and_three_quarters_fall_in_open_hours(self, office_sla):
        times = reminder_times(submitted_at=paris(2026, 3, 10, 10), priority=Priority.STANDARD)
        # 24 open hours: Tuesday 7, Wednesday 8, Thursday 8, Friday 1.
        # 36 open hours: then Friday 7 more, Monday 5.
        assert times == [paris(2026, 3, 13, 10), paris(2026, 3, 16, 14)]

    def test_reminder_falling_at_closing_time_waits_for_the_next_opening(self, office_sla):
        times = reminder_times(submitted_at=paris(2026, 3, 9, 9), priority=Priority.STANDARD)
        # 24 open hours run out as Wednesday closes; 36 on Friday at 13:00.
        assert times == [paris(2026, 3, 12, 9), paris(2026, 3, 13, 13)]

    def test_switched_on_with_no_opening_hours_counts_real_hours(self):
        SlaSettings.objects.filter(pk=1).update(business_hours=True)
        due = callback_due_at(submitted_at=paris(2026, 3, 6, 16), priority=Priority.STANDARD)
        assert due == paris(2026, 3, 8, 16)


# Friday 6 March 16:00 plus 24 open hours: Wednesday 11 March 16:00.
HIGH_SUBMITTED = paris(2026, 3, 6, 16)
HIGH_DUE = paris(2026, 3, 11, 16)


@pytest.mark.django_db
class TestBreachWithBusinessHours:
    @pytest.fixture
    def ticket(self, office_sla):
        category = CategoryFactory(default_priority=Priority.HIGH)
        ticket = ticketed_complaint(submitted_at=HIGH_SUBMITTED, category=category).ticket
        assert ticket.callback_due_at == HIGH_DUE
        return ticket

    def sweep(self, now):
        with time_machine.travel(now, tick=False):
            return deadlines_sweep(now=now)["breached"]

    def test_a_second_before_the_open_hours_deadline_nothing_is_breached(self, ticket):
        assert self.sweep(HIGH_DUE - timedelta(seconds=1)) == 0
        ticket.refresh_from_db()
        assert ticket.breached_at is None

    def test_at_the_open_hours_deadline_the_ticket_is_breached(self, ticket):
        assert self.sweep(HIGH_DUE) == 1
        ticket.refresh_from_db()
        assert ticket.breached_at == HIGH_DUE

    def test_after_the_open_hours_deadline_it_is_breached_once(self, ticket):
        assert self.sweep(HIGH_DUE + timedelta(minutes=5)) == 1
        assert self.sweep(HIGH_DUE + timedelta(minutes=6)) == 0
        ticket.refresh_from_db()
        assert ticket.breached_at == HIGH_DUE + timedelta(minutes=5)

    def test_the_real_hours_deadline_passing_breaches_nothing(self, ticket):
        # 24 real hours after submission the team has been open only 1 hour.
        assert self.sweep(HIGH_SUBMITTED + timedelta(hours=24, minutes=1)) == 0
