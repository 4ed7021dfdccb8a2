"""The review works on the embedded SQLite of `make run`: percentiles computed by our own aggregate."""

import json

from tests.embedded import manage

SCRIPT = """
import json
from datetime import timedelta
from django.test import Client
from django.utils import timezone
from review.periods import Period
from review.selectors.indicators import ticket_figures
from tests.factories import ManagerFactory, ticketed_complaint

today = timezone.localdate()
opened = timezone.now() - timedelta(days=2)
for hours in (1, 2, 3, 10):
    ticketed_complaint(
        submitted_at=opened,
        ticket={"status": "acknowledged", "acknowledged_at": opened + timedelta(hours=hours)},
    )
period = Period("custom", today - timedelta(days=3), today)
figures = ticket_figures(period=period)
client = Client()
client.force_login(ManagerFactory())
query = "period=custom&from=%s&to=%s" % (period.first_day, period.last_day)
pages = ["/manager/", "/manager/breaches/", "/manager/lessons/", "/manager/agents/",
         "/manager/export/agents.csv"]
empty = ticket_figures(period=Period("custom", today.replace(year=2020), today.replace(year=2020)))
from review.daily.build import summary_refresh
summary_refresh()
year = "period=custom&from=%s&to=%s" % (today - timedelta(days=364), today)
from_summary = [client.get(page + "?" + year, HTTP_HOST="127.0.0.1") for page in pages[:4]]
print(json.dumps({
    "summary": [r.status_code for r in from_summary],
    "summary_marked": [b"data-summary-at" in r.content for r in from_summary],
    "median": figures["first_contact_median"].total_seconds(),
    "p90": figures["first_contact_p90"].total_seconds(),
    "empty": [empty["first_contact_median"], empty["resolution_median"]],
    "status": [client.get(page + "?" + query, HTTP_HOST="127.0.0.1").status_code for page in pages],
    "empty_status": [client.get(page + "?period=week&date=2020-01-06", HTTP_HOST="127.0.0.1").status_code for page in pages],
}))
"""


def test_review_pages_and_percentiles_work_on_the_embedded_sqlite(tmp_path):
    manage("migrate", "--noinput", var_dir=tmp_path)
    out = manage("shell", "-c", SCRIPT, var_dir=tmp_path).stdout
    result = json.loads(out.strip().splitlines()[-1])
    # First contacts after 1, 2, 3 and 10 hours: median 2.5 h; p90 3 + 0.7 × 7 = 7.9 h.
    assert result["median"] == 2.5 * 3600
    assert round(result["p90"]) == round(7.9 * 3600)
    assert result["status"] == [200] * 5
    # A period with nothing in it: no figure, not an error.
    assert result["empty"] == [None, None]
    assert result["empty_status"] == [200] * 5
    # The daily summary builds and reads there too (all but the breaches page use it).
    assert result["summary"] == [200] * 4
    assert result["summary_marked"] == [True, False, True, True]
