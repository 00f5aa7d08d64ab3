"""Pacing: never above the configured rate in any 10 s window, and stalls are caught up."""

import bisect

import pytest

from scheduler.pacing import TokenBucket
from scheduler.sender import PACING_HEADROOM, WINDOW_SECONDS, pacing_burst


class FakeTime:
    def __init__(self):
        self.now = 0.0

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def window_counts(times: list[float], width: float = WINDOW_SECONDS) -> list[int]:
    """Messages in every window [t, t + width) starting at each send, and at every 0.1 s."""
    starts = sorted(set(times) | {i / 10 for i in range(int(times[-1] * 10))})
    return [bisect.bisect_left(times, s + width) - bisect.bisect_left(times, s)
            for s in starts if s + width <= times[-1]]


@pytest.mark.parametrize("rate", [50, 200, 400])
def test_windows_stay_under_the_rate_even_after_stalls(rate):
    clock = FakeTime()
    bucket = TokenBucket(rate * PACING_HEADROOM, burst=pacing_burst(rate), monotonic=clock.monotonic,
                         sleep=clock.sleep)
    times = []
    for n in range(rate * 40):
        if n % (rate * 3) == rate:  # a claim or a slow commit: the sender is away for a moment
            clock.now += 0.04
        bucket.acquire()
        times.append(clock.now)
        clock.now += 0.0005  # the send itself
    counts = window_counts(times)
    assert max(counts) <= rate * WINDOW_SECONDS
    assert min(counts) >= rate * WINDOW_SECONDS * 0.95


def test_strict_bucket_spaces_every_acquisition():
    clock = FakeTime()
    bucket = TokenBucket(100, monotonic=clock.monotonic, sleep=clock.sleep)
    times = []
    for _ in range(50):
        bucket.acquire()
        times.append(clock.now)
    assert all(b - a >= 0.01 - 1e-9 for a, b in zip(times, times[1:]))


def test_sender_threads_run_out_of_rows_one_after_another(trt):
    """All threads claiming at the same instant stalled every send for a moment each batch."""
    from scheduler.sender import OutboxDrain

    drain = OutboxDrain(trt, threads=8)
    firsts = [drain.first_batch(i) for i in range(drain.threads)]
    assert firsts == sorted(set(firsts)), "each thread's first claim differs in size"
    assert firsts[-1] == drain.batch and firsts[0] <= drain.batch // drain.threads + 1
