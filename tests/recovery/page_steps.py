"""Helpers for tests that take steps through the ticket page, as its forms would post them."""

from django.urls import reverse

from recovery.models import Ticket


def step(client, ticket, name, prefix, *, version=None, args=(), follow=False, **fields):
    """POST the ``name`` step's form as the page would, with the page's version by default.

    ``version=False`` leaves the version out (notes carry none).
    """
    data = {f"{prefix}-{key}": value for key, value in fields.items()}
    if version is not False:
        data[f"{prefix}-version"] = ticket.version if version is None else version
    url = reverse(f"agent:{name}", args=[ticket.reference, *args])
    return client.post(url, data, follow=follow)


def fresh(ticket):
    return Ticket.objects.get(pk=ticket.pk)


def assert_back_on_the_page(response, ticket):
    assert response.status_code == 302
    assert response["Location"] == reverse("agent:ticket", args=[ticket.reference])
