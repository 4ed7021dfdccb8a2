"""Refreshes that overlap (the 5-minute one and the nightly one, two beats) never count a day twice."""

import pytest
import time_machine
from django.db.models import Sum

from complaints.models import Complaint
from recovery.models import Ticket
from review.daily.build import summary_refresh
from review.models import DayComplaints, DayTickets
from tests.concurrency import race_cleanly
from tests.review.conftest import NOW

pytestmark = pytest.mark.django_db(transaction=True)


def test_three_refreshes_at_once_leave_each_complaint_and_contact_counted_once(history):
    with time_machine.travel(NOW, tick=False):
        summary_refresh(now=NOW)
        race_cleanly(
            *(lambda days=days: summary_refresh(days=days, now=NOW) for days in (None, 35, 2))
        )
    summed = DayComplaints.objects.aggregate(total=Sum("complaints"))["total"]
    assert summed == Complaint.objects.count()
    contacted = DayTickets.objects.aggregate(total=Sum("contacted"))["total"]
    assert contacted == Ticket.objects.filter(acknowledged_at__isnull=False).count()
