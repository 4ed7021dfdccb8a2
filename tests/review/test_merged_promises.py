"""A duplicate merged before anybody called owed no callback of its own: the survivor's counts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from recovery.choices import Status
from recovery.models import Ticket
from recovery.workflow import ticket_merge, ticket_unmerge
from review.periods import Period
from review.selectors.indicators import promise_due
from tests.factories import CustomerFactory, ticket_in_status

pytestmark = pytest.mark.django_db


def due_ids(now):
    today = timezone.localdate(now)
    period = Period("custom", today - timedelta(days=7), today)
    return set(Ticket.objects.filter(promise_due(period, now)).values_list("pk", flat=True))


def test_a_duplicate_merged_uncalled_is_no_promise_due_until_the_merge_is_undone(agent):
    customer = CustomerFactory()
    into = ticket_in_status(Status.NEW, actor=agent, customer=customer)
    merged = ticket_in_status(Status.NEW, actor=agent, customer=customer)
    merge = ticket_merge(merged=merged, into=into, actor=agent)
    later = max(into.callback_promised_at, merged.callback_promised_at) + timedelta(hours=1)

    assert due_ids(later) == {into.pk}

    ticket_unmerge(merge=merge, actor=agent)
    assert due_ids(later) == {into.pk, merged.pk}
