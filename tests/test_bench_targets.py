"""The results-day benchmark judges issue 13's targets as written: CPU per request at most
1.3 times the floor's, at least 85 % of its throughput, p99 under 25 ms."""

from __future__ import annotations

import pytest

from bench.results_day import Run, best, targets


def _run(rps: float, p99: float, cpu: float) -> Run:
    return Run("run", requests=1000, seconds=10, rps=rps, p50_ms=5.0, p99_ms=p99, errors=0,
               cpu_ms_per_request=cpu, worker_rss_mb=[100.0])


FLOOR = _run(rps=1000, p99=10.0, cpu=1.0)


def _met(gateway: Run) -> dict[str, bool]:
    return {what: met for what, _measured, _target, met in targets(gateway, FLOOR)}


@pytest.mark.parametrize(("cpu", "met"), [(1.3, True), (1.2, True), (1.31, False), (2.0, False)])
def test_cpu_per_request_at_most_1_3_times_the_floor(cpu: float, met: bool) -> None:
    assert _met(_run(rps=900, p99=20.0, cpu=cpu))["CPU per request, gateway/floor"] is met


@pytest.mark.parametrize(("rps", "met"), [(850, True), (1000, True), (849, False)])
def test_throughput_at_least_85_percent_of_the_floor(rps: float, met: bool) -> None:
    assert _met(_run(rps=rps, p99=20.0, cpu=1.0))["throughput, gateway/floor"] is met


@pytest.mark.parametrize(("p99", "met"), [(24.9, True), (25.0, False), (44.3, False)])
def test_p99_under_25_ms(p99: float, met: bool) -> None:
    assert _met(_run(rps=900, p99=p99, cpu=1.0))["p99 latency"] is met


def test_the_figures_are_printed_as_measured() -> None:
    measured = {what: shown for what, shown, _target, _met in
                targets(_run(rps=594, p99=44.3, cpu=2.04), FLOOR)}
    assert measured == {"CPU per request, gateway/floor": "2.04x",
                        "throughput, gateway/floor": "59%", "p99 latency": "44.3 ms"}


def test_the_best_of_rounds_takes_each_figure_at_its_best_and_keeps_every_error() -> None:
    noisy = Run("round 1", 11_100, 15, rps=740, p50_ms=10.5, p99_ms=18.1, errors=1,
                cpu_ms_per_request=1.65, worker_rss_mb=[100.0, 86.0])
    quiet = Run("round 2", 27_900, 15, rps=1859, p50_ms=3.8, p99_ms=13.0, errors=0,
                cpu_ms_per_request=0.99, worker_rss_mb=[100.0, 100.0])
    both = best([noisy, quiet])
    assert (both.rps, both.p99_ms, both.cpu_ms_per_request) == (1859, 13.0, 0.99)
    assert both.errors == 1
    assert both.requests == 39_000
