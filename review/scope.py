"""What a review request asks for: the period, the breach filters, and the moment it was asked."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Self

from django.http import HttpRequest
from django.utils import timezone
from django.utils.http import urlencode

from review.periods import Period, period_and_notices
from review.selectors.breaches import BreachFilters


@dataclass(frozen=True)
class Scope:
    period: Period
    filters: BreachFilters
    now: datetime
    # What was changed in the period asked for (dates swapped, span cut): shown on the page.
    notices: tuple[str, ...] = ()

    @classmethod
    def from_request(cls, request: HttpRequest) -> Self:
        period, notices = period_and_notices(request.GET)
        return cls(
            period=period,
            filters=BreachFilters.from_params(request.GET),
            now=timezone.now(),
            notices=tuple(notices),
        )

    def query(self, *, period: Period | None = None, **extra: Any) -> str:
        """The query string for this scope (or another period), with ``extra`` parameters."""
        params = {**(period or self.period).params(), **self.filters.params(), **extra}
        return urlencode({key: value for key, value in params.items() if value not in (None, "")})
