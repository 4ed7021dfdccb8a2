"""The buckets the daily summary sorts durations into, and percentiles read back from them.

Fine where managers look closely (a minute under an hour, a quarter of an
hour up to the 48-hour promise, two hours up to a month, where resolutions
are read in tenths of a day), a day past a month. Every bound of the first-contact chart (1, 4, 8, 24, 48 and
72 hours) is a bucket bound, so its bins add up exactly.
"""

import math
from collections.abc import Mapping, Sequence
from datetime import timedelta

MINUTE, HOUR, DAY = 60, 3600, 86400

# (up to, width) in seconds, in order; the last span is open-ended.
SPANS = (
    (1 * HOUR, MINUTE),
    (8 * HOUR, 5 * MINUTE),
    (48 * HOUR, 15 * MINUTE),
    (30 * DAY, 2 * HOUR),
    (400 * DAY, DAY),
)


def _starts() -> tuple[list[tuple[int, int, int]], int]:
    """``[(first bucket, low second, width)]`` for each span."""
    starts: list[tuple[int, int, int]] = []
    bucket, low = 0, 0
    for high, width in SPANS:
        starts.append((bucket, low, width))
        bucket += (high - low) // width
        low = high
    return starts, bucket


STARTS, BUCKETS = _starts()
LAST = BUCKETS - 1  # everything longer lands here


def bucket_of(duration: timedelta) -> int:
    """The bucket of a ``timedelta`` (negative durations, clock skew, count as zero)."""
    seconds = max(duration.total_seconds(), 0)
    for (first, low, width), (high, _width) in zip(STARTS, SPANS, strict=True):
        if seconds < high:
            return first + int((seconds - low) // width)
    return LAST


def bounds(bucket: int) -> tuple[int, int]:
    """``(low, high)`` seconds of a bucket."""
    for first, low, width in reversed(STARTS):
        if bucket >= first:
            start = low + (bucket - first) * width
            return start, start + width
    raise ValueError(bucket)


def percentiles(histogram: Mapping[int, int], fractions: Sequence[float]) -> list[timedelta | None]:
    """Percentiles of a ``{bucket: count}`` histogram, computed as PERCENTILE_CONT does.

    PERCENTILE_CONT interpolates between the values at the ranks either side
    of ``(n - 1) * f``; here each value is estimated by spreading its
    bucket's values evenly across the bucket, so the answer is off by at
    most half the wider of the two buckets. ``None`` for an empty histogram.
    """
    total = sum(histogram.values())
    if not total:
        return [None] * len(fractions)
    ordered = sorted(histogram.items())
    answers: list[timedelta | None] = []
    for fraction in fractions:
        position = (total - 1) * fraction
        low, high = math.floor(position), math.ceil(position)
        below, above = _value_at(ordered, low), _value_at(ordered, high)
        answers.append(timedelta(seconds=below + (above - below) * (position - low)))
    return answers


def _value_at(ordered: Sequence[tuple[int, int]], rank: int) -> float:
    """The estimated value, in seconds, of the value at 0-based ``rank``."""
    seen = 0
    for bucket, count in ordered:
        if rank < seen + count:
            low, high = bounds(bucket)
            return low + (high - low) * (rank - seen + 0.5) / count
        seen += count
    raise ValueError(rank)


def bin_counts(
    histogram: Mapping[int, int], bins: Sequence[tuple[int, int | None]]
) -> list[tuple[int, int | None, int]]:
    """``[(low_hours, high_hours, count)]``: the histogram's counts in wider bins on bucket bounds."""
    counts = dict.fromkeys((low for low, _high in bins), 0)
    for bucket, count in histogram.items():
        start, _end = bounds(bucket)
        for low, high in bins:
            if high is None or start < high * HOUR:
                counts[low] += count
                break
    return [(low, high, counts[low]) for low, high in bins]
