"""A refresh, a double click or two racing requests file one complaint."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from complaints.models import Complaint
from recovery.models import Ticket
from tests.conftest import form_token

URL = reverse("complaints:new")


@pytest.mark.django_db
def test_posting_the_same_form_twice_files_one_complaint_and_confirms_both(client, complaint_data):
    data = complaint_data()
    first = client.post(URL, data, follow=True)
    second = client.post(URL, data, follow=True)
    complaint = Complaint.objects.get()
    assert complaint.reference in first.text
    assert complaint.reference in second.text
    assert Ticket.objects.count() == 1


@pytest.mark.django_db
def test_repeated_submission_is_not_counted_against_the_rate_limit(
    client, complaint_data, settings
):
    settings.AMENDS = {**settings.AMENDS, "RATE_LIMIT_PER_IP": 1}
    data = complaint_data()
    assert client.post(URL, data).status_code == 302
    assert client.post(URL, data).status_code == 302
    assert Complaint.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_racing_requests_with_one_key_file_one_complaint(complaint_data):
    data = complaint_data(form_token=form_token(key="race-key"))
    barrier = threading.Barrier(4)
    statuses = []

    def submit():
        try:
            barrier.wait()
            statuses.append(Client().post(URL, data).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302] * 4
    assert Complaint.objects.filter(idempotency_key="race-key").count() == 1
    assert Ticket.objects.count() == 1
