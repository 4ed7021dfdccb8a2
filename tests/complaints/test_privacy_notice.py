"""The public form says what is kept and for how long, with the numbers the retention applies."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def notice(client, language):
    page = client.get(reverse("complaints:new"), headers={"accept-language": language})
    assert page.status_code == 200
    html = page.content.decode()
    return " ".join(html[html.index('class="privacy-notice') :].split("</section>")[0].split())


def test_the_form_states_the_default_retention_in_english(client):
    text = notice(client, "en")
    assert "for 3 years after it is closed" in text
    assert "IP address of your connection for 30 days" in text
    assert "Only our customer-service team sees them." in text
    assert 'href="mailto:care@amends.localhost"' in text
    assert "copy" in text and "erasure" in text


def test_the_form_states_the_default_retention_in_french(client):
    text = notice(client, "fr")
    assert "pendant 3 ans après sa clôture" in text
    assert "pendant 30 jours" in text
    assert "service client" in text
    assert 'href="mailto:care@amends.localhost"' in text
    assert "copie" in text and "effacement" in text


@pytest.mark.parametrize(
    ("language", "closed", "ip"),
    [("en", "for 2 years", "for 7 days"), ("fr", "pendant 2 ans", "pendant 7 jours")],
)
def test_the_notice_follows_the_settings(client, settings, language, closed, ip):
    settings.AMENDS = {**settings.AMENDS, "RETENTION_CLOSED_DAYS": 730, "RETENTION_IP_DAYS": 7}
    settings.DEFAULT_FROM_EMAIL = "Service client <privacy@shop.test>"
    text = notice(client, language)
    assert closed in text and ip in text
    assert "mailto:privacy@shop.test" in text


@pytest.mark.parametrize(
    ("language", "closed"), [("en", "for 400 days after"), ("fr", "pendant 400 jours après")]
)
def test_a_retention_that_is_not_whole_years_is_stated_in_days(client, settings, language, closed):
    settings.AMENDS = {**settings.AMENDS, "RETENTION_CLOSED_DAYS": 400}
    assert closed in notice(client, language)
