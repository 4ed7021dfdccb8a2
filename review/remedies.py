"""What customers asked for, in their own words, sorted into a few buckets by keyword.

``remedy_sought`` is free text, in English or French. We group it by simple
keywords rather than by the compensation actually given: what we gave is our
answer, shaped by policy and approval limits, while the review asks what
customers *wanted*; comparing the two is the point. The buckets follow the
ledger's compensation kinds where one exists (so "asked for a refund" sits next
to "refunds given"), plus the remedies that are not money: an apology, a repair,
an explanation, the order itself.

One bucket per complaint: the first in this list whose keywords appear, so
money comes before words ("a refund and an apology" is a refund). The words
are matched against the lowered text, as stems, so "remboursement",
"Refunded" and "échange" all land where they should. Changing a list changes
past periods too: the text is classified when the page is read.
"""

from django.db.models import Case, F, Value, When
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from recovery.choices import CompensationKind
from review.aggregates import ContainsAny

NOT_STATED = "not_stated"
OTHER = "other"

# (key, label, the compensation kind it asks for or None, keywords)
BUCKETS = (
    (
        "refund",
        _("Refund, money back"),
        CompensationKind.REFUND,
        ("refund", "money back", "reimburs", "rembours", "repay", "chargeback"),
    ),
    (
        "replacement",
        _("Replacement, exchange, resend"),
        CompensationKind.REPLACEMENT,
        (
            "replac",
            "remplac",
            "exchange",
            "échange",
            "echange",
            "resend",
            "send another",
            "new one",
            "nouvel envoi",
            "renvoi",
            "un autre",
        ),
    ),
    (
        "voucher",
        _("Voucher or credit"),
        CompensationKind.VOUCHER,
        (
            "voucher",
            "coupon",
            "gift card",
            "credit",
            "crédit",
            "bon d'achat",
            "un avoir",
            "code promo",
        ),
    ),
    (
        "discount",
        _("Discount"),
        CompensationKind.DISCOUNT,
        ("discount", "reduction", "réduction", "remise", "rabais", "% off", "cheaper"),
    ),
    (
        "goodwill",
        _("Goodwill gesture"),
        CompensationKind.GOODWILL,
        ("gesture", "geste", "compensat", "dédommag", "dedommag", "indemni", "gift", "cadeau"),
    ),
    (
        "repair",
        _("Repair"),
        None,
        ("repair", "répar", "repar", "fix"),
    ),
    (
        "delivery",
        _("Deliver the order"),
        None,
        ("deliver", "livr", "parcel", "colis", "my order", "ma commande", "express"),
    ),
    (
        "apology",
        _("An apology"),
        None,
        ("apolog", "sorry", "excuse", "désolé", "desole", "pardon"),
    ),
    (
        "explanation",
        _("An explanation or a call"),
        None,
        (
            "explain",
            "explanation",
            "explication",
            "expliqu",
            "call me",
            "rappel",
            "answer",
            "réponse",
            "reponse",
            "understand",
            "comprendre",
        ),
    ),
)

LABELS = {key: label for key, label, _kind, _words in BUCKETS} | {
    NOT_STATED: _("Nothing stated"),
    OTHER: _("Something else"),
}
ASKED_KIND = {key: kind for key, _label, kind, _words in BUCKETS if kind}


def remedy_bucket(field: str = "remedy_sought") -> Case:
    """A database expression: the bucket key of the remedy text in ``field``."""
    lowered = Lower(F(field))
    return Case(
        # The forms strip the text, so nothing stated is the empty string.
        When(**{field: ""}, then=Value(NOT_STATED)),
        *(
            When(ContainsAny(lowered, words), then=Value(key))
            for key, _label, _kind, words in BUCKETS
        ),
        default=Value(OTHER),
    )


def bucket_of(text: str | None) -> str:
    """The same classification in Python: for tests, and to explain a bucket by example."""
    lowered = (text or "").lower()
    if not lowered:
        return NOT_STATED
    for key, _label, _kind, words in BUCKETS:
        if any(word in lowered for word in words):
            return key
    return OTHER
