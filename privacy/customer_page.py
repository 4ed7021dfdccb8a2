"""What the customer's page shows: every complaint, what we gave them, how they rated us over time.

Read in a fixed number of queries whatever the customer's history: the
complaints with their tickets (one), the ledger summed by complaint and
currency in the database (one), the answered surveys (one). "Given" is what
was handed over (a fulfilled line); an approved line not handed over yet is
"on its way", as the tracking page tells the customer. A "no compensation"
line is a decision, not a gesture, and counts for neither.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Sum

from complaints.models import Complaint, Customer
from privacy.selectors import customer_complaints
from recovery.choices import CompensationKind, CompensationStatus, NpsClass
from recovery.models import Compensation, Survey
from recovery.survey import nps_class


@dataclass
class Money:
    """Sums by currency, and the gestures without an amount (a replacement, a repair)."""

    totals: dict[str, Decimal] = field(default_factory=dict)
    gestures: int = 0

    def add(self, currency: str, total: Decimal | None, lines: int) -> None:
        if total is None:
            self.gestures += lines
        else:
            self.totals[currency] = self.totals.get(currency, Decimal(0)) + total

    @property
    def amounts(self) -> list[tuple[str, Decimal]]:
        return sorted(self.totals.items())

    def __bool__(self) -> bool:
        return bool(self.totals or self.gestures)


@dataclass
class Rating:
    """One "how likely to recommend us" answer: at intake, or in a follow-up survey."""

    at: datetime
    complaint: Complaint
    nps: int
    nps_class: NpsClass
    csat: int | None = None
    source: str = "intake"  # or "survey"


@dataclass
class CustomerPage:
    complaints: list[Complaint]
    given: Money
    on_its_way: Money
    ratings: list[Rating]

    @property
    def open_count(self) -> int:
        return sum(1 for c in self.complaints if getattr(c, "ticket", None) and c.ticket.is_open)


def customer_page(*, customer: Customer) -> CustomerPage:
    """Everything the page shows of ``customer`` but their contact data, in three queries.

    Each complaint gets ``given`` and ``on_its_way`` (``Money``) for its row.
    """
    complaints = list(customer_complaints(customer=customer))
    by_pk = {c.pk: c for c in complaints}
    given, on_its_way = Money(), Money()
    for c in complaints:
        c.given, c.on_its_way = Money(), Money()  # type: ignore[attr-defined]
    ledger = (
        Compensation.objects.filter(
            ticket__complaint__customer=customer,
            status__in=(CompensationStatus.FULFILLED, CompensationStatus.APPROVED),
        )
        .exclude(kind=CompensationKind.NONE)
        .values("ticket__complaint_id", "status", "currency")
        .annotate(total=Sum("amount"), lines=Count("pk"))
        .order_by()
    )
    for row in ledger:
        complaint = by_pk[row["ticket__complaint_id"]]
        fulfilled = row["status"] == CompensationStatus.FULFILLED
        for money in (given, complaint.given) if fulfilled else (on_its_way, complaint.on_its_way):  # type: ignore[attr-defined]
            money.add(row["currency"], row["total"], row["lines"])
    return CustomerPage(
        complaints=complaints,
        given=given,
        on_its_way=on_its_way,
        ratings=_ratings(customer=customer, by_pk=by_pk),
    )


def _ratings(*, customer: Customer, by_pk: dict[int, Complaint]) -> list[Rating]:
    """Intake scores and answered surveys, oldest first: where the relationship went."""
    ratings = [
        Rating(
            at=c.submitted_at,
            complaint=c,
            nps=c.nps_at_intake,
            nps_class=nps_class(c.nps_at_intake),
        )
        for c in by_pk.values()
        if c.nps_at_intake is not None
    ]
    answered = (
        Survey.objects.filter(
            ticket__complaint__customer=customer, answered_at__isnull=False, nps__isnull=False
        )
        .values("answered_at", "nps", "csat", "ticket__complaint_id")
        .order_by()
    )
    for row in answered:
        at, nps = row["answered_at"], row["nps"]
        assert at is not None and nps is not None  # the filter above
        ratings.append(
            Rating(
                at=at,
                complaint=by_pk[row["ticket__complaint_id"]],
                nps=nps,
                nps_class=nps_class(nps),
                csat=row["csat"],
                source="survey",
            )
        )
    return sorted(ratings, key=lambda r: r.at)
