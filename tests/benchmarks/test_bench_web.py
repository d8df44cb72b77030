"""The web benchmark's verdict: what the app adds to a bare round trip, pair by pair."""

import pytest

from benchmarks import bench_web


def test_added_time_is_the_difference_of_each_pair():
    # A loaded machine slows the echo and the event alike: only the app's own part counts.
    assert bench_web.added_ms([12.0, 40.0, 3.0], [10.0, 35.0, 4.0]) == [2.0, 5.0, 0.0]


def test_unpaired_trials_are_refused():
    with pytest.raises(ValueError, match="pairs"):
        bench_web.added_ms([1.0, 2.0], [1.0])
