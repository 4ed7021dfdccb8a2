"""The summary's duration buckets, and percentiles read back from them."""

import random
import statistics
from datetime import timedelta

import pytest

from review.daily import scale
from review.selectors.indicators import FIRST_CONTACT_BINS


def test_buckets_tile_the_scale_without_gaps_or_overlaps():
    previous_high = 0
    for bucket in range(scale.BUCKETS):
        low, high = scale.bounds(bucket)
        assert low == previous_high
        assert scale.bucket_of(timedelta(seconds=low)) == bucket
        assert scale.bucket_of(timedelta(seconds=high - 0.001)) == bucket
        previous_high = high


@pytest.mark.parametrize(
    ("duration", "width"),
    [
        (timedelta(minutes=30), timedelta(minutes=1)),
        (timedelta(hours=5), timedelta(minutes=5)),
        (timedelta(hours=30), timedelta(minutes=15)),
        (timedelta(days=12), timedelta(hours=2)),
        (timedelta(days=90), timedelta(days=1)),
    ],
)
def test_a_bucket_is_as_wide_as_the_scale_says_where_its_duration_falls(duration, width):
    low, high = scale.bounds(scale.bucket_of(duration))
    assert high - low == width.total_seconds()
    assert low <= duration.total_seconds() < high


def test_clock_skew_counts_as_zero_and_years_land_in_the_last_bucket():
    assert scale.bucket_of(timedelta(seconds=-5)) == 0
    assert scale.bucket_of(timedelta(days=5000)) == scale.LAST


def test_every_bound_of_the_first_contact_chart_is_a_bucket_bound():
    for low, high in FIRST_CONTACT_BINS:
        for hours in (low, high):
            if hours is not None:
                start, _end = scale.bounds(scale.bucket_of(timedelta(hours=hours)))
                assert start == hours * 3600


def test_percentiles_from_the_histogram_are_within_half_a_bucket_of_the_exact_ones():
    rng = random.Random(7)
    durations = [timedelta(hours=rng.uniform(0, 60)) for _ in range(2001)]
    histogram = {}
    for value in durations:
        bucket = scale.bucket_of(value)
        histogram[bucket] = histogram.get(bucket, 0) + 1
    seconds = sorted(value.total_seconds() for value in durations)
    median, p90 = scale.percentiles(histogram, (0.5, 0.9))
    exact_p90 = statistics.quantiles(seconds, n=10, method="inclusive")[8]
    assert abs(median.total_seconds() - statistics.median(seconds)) <= 15 * 60 / 2
    assert abs(p90.total_seconds() - exact_p90) <= 60 * 60  # p90 near 54 h: 2-hour buckets


def test_percentiles_interpolate_between_values_as_percentile_cont_does():
    # One first contact at 1 h 00–05, one at 9 h 00–15: the median is halfway.
    histogram = {scale.bucket_of(timedelta(hours=1)): 1, scale.bucket_of(timedelta(hours=9)): 1}
    (median,) = scale.percentiles(histogram, (0.5,))
    assert median == timedelta(hours=5, minutes=5)
    assert scale.percentiles({}, (0.5, 0.9)) == [None, None]


def test_bin_counts_add_the_buckets_into_the_charts_bins():
    histogram = {
        scale.bucket_of(timedelta(minutes=59)): 2,
        scale.bucket_of(timedelta(hours=1)): 1,
        scale.bucket_of(timedelta(hours=47, minutes=59)): 4,
        scale.bucket_of(timedelta(days=20)): 3,
    }
    assert scale.bin_counts(histogram, FIRST_CONTACT_BINS) == [
        (0, 1, 2),
        (1, 4, 1),
        (4, 8, 0),
        (8, 24, 0),
        (24, 48, 4),
        (48, 72, 0),
        (72, None, 3),
    ]
