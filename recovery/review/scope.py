"""What a review request asks for: the period, the breach filters, and the moment it was asked."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.http import urlencode

from recovery.review.periods import Period, period_from_params
from recovery.review.selectors.breaches import BreachFilters


@dataclass(frozen=True)
class Scope:
    period: Period
    filters: BreachFilters
    now: datetime

    @classmethod
    def from_request(cls, request):
        return cls(
            period=period_from_params(request.GET),
            filters=BreachFilters.from_params(request.GET),
            now=timezone.now(),
        )

    def query(self, *, period=None, **extra):
        """The query string for this scope (or another period), with ``extra`` parameters."""
        params = {**(period or self.period).params(), **self.filters.params(), **extra}
        return urlencode({key: value for key, value in params.items() if value not in (None, "")})
