"""The answer cache: bounded, expiring, thread-safe; and the client using it (RULES: ask once)."""

from __future__ import annotations

import threading

from hypothesis import given
from hypothesis import strategies as st

from gateway.registry.cache import Hit, TTLCache
from gateway.registry.client import RegistryClient
from gateway.simulators.register_server import RunningSimulator
from tests.registry import people as p
from tests.registry.conftest import FakeClock, make_settings


def test_hit_miss_and_expiry(clock: FakeClock) -> None:
    cache: TTLCache[str, int | None] = TTLCache(maxsize=10, ttl=60, clock=clock)
    assert cache.get("a") is None
    cache.put("a", 1)
    cache.put("b", None)  # "not found" is an answer, cached like any other
    assert cache.get("a") == Hit(1)
    assert cache.get("b") == Hit(None)
    clock.advance(59.9)
    assert cache.get("a") == Hit(1)
    clock.advance(0.1)
    assert cache.get("a") is None
    stats = cache.stats()
    assert (stats.hits, stats.misses, stats.expirations, stats.size) == (3, 2, 1, 1)


def test_least_recently_used_is_evicted(clock: FakeClock) -> None:
    cache: TTLCache[str, int] = TTLCache(maxsize=2, ttl=60, clock=clock)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == Hit(1)  # "b" is now the least recently used
    cache.put("c", 3)
    assert "b" not in cache and "a" in cache and "c" in cache
    assert cache.stats().evictions == 1


def test_zero_size_or_ttl_caches_nothing(clock: FakeClock) -> None:
    for maxsize, ttl in ((0, 60.0), (10, 0.0)):
        cache: TTLCache[str, int] = TTLCache(maxsize=maxsize, ttl=ttl, clock=clock)
        cache.put("a", 1)
        assert cache.get("a") is None
        assert len(cache) == 0


@given(
    maxsize=st.integers(min_value=0, max_value=8),
    keys=st.lists(st.integers(min_value=0, max_value=20), max_size=100),
)
def test_never_holds_more_than_maxsize(maxsize: int, keys: list[int]) -> None:
    cache: TTLCache[int, int] = TTLCache(maxsize=maxsize, ttl=60)
    for key in keys:
        cache.put(key, key)
        assert len(cache) <= maxsize
    for key in keys[-maxsize:] if maxsize else []:
        assert cache.get(key) == Hit(key)  # the newest keys survive


def test_thread_safe_under_contention() -> None:
    cache: TTLCache[int, int] = TTLCache(maxsize=50, ttl=60)

    def work(offset: int) -> None:
        for i in range(2000):
            cache.put((i + offset) % 200, i)
            cache.get((i * 7) % 200)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    stats = cache.stats()
    assert stats.size == len(cache) <= 50
    assert stats.hits + stats.misses == 8 * 2000
    assert stats.stores == 8 * 2000


# --- the client's cache, counted at the simulator -------------------------------------------


def _answers(simulator: RunningSimulator) -> int:
    answers = simulator.app.counters()["answers"]
    assert isinstance(answers, int)
    return answers


def test_second_question_within_ttl_is_not_asked(
    simulator: RunningSimulator, clock: FakeClock
) -> None:
    client = RegistryClient(make_settings(simulator.url, registry_cache_ttl=60), clock=clock)
    first = client.lookup(p.ANNA, user_id=p.MOTHER)
    again = client.lookup(p.ANNA, user_id=p.FATHER)  # another requester: same answer
    assert first == again and first is not None
    assert client.lookup(p.UNKNOWN, user_id=p.MOTHER) is None
    assert client.lookup(p.UNKNOWN, user_id=p.MOTHER) is None  # "not found" is cached too
    assert _answers(simulator) == 2
    assert simulator.app.counters()["by_subject"] == {p.ANNA.digits: 1, p.UNKNOWN.digits: 1}

    clock.advance(61)  # the TTL is over: the register is asked again
    assert client.lookup(p.ANNA, user_id=p.MOTHER) == first
    assert _answers(simulator) == 3
    stats = client.cache_stats()
    assert (stats.hits, stats.expirations) == (2, 1)
    client.close()


def test_hot_family_is_asked_once_per_ttl(simulator: RunningSimulator, clock: FakeClock) -> None:
    client = RegistryClient(make_settings(simulator.url, registry_cache_ttl=300), clock=clock)
    for _ in range(20):  # a parent opening results, certificates, documents … for two children
        client.lookup(p.ANNA, user_id=p.MOTHER)
        client.lookup(p.ILZE, user_id=p.MOTHER)
        clock.advance(10)
    assert simulator.app.counters()["by_subject"] == {p.ANNA.digits: 1, p.ILZE.digits: 1}
    client.close()


def test_cache_size_bound_evicts(simulator: RunningSimulator, clock: FakeClock) -> None:
    client = RegistryClient(make_settings(simulator.url, registry_cache_size=2), clock=clock)
    for subject in (p.ANNA, p.BERTA, p.CITS):
        client.lookup(subject, user_id=p.MOTHER)
    assert len(client.cache) == 2 and client.cache_stats().evictions == 1
    client.lookup(p.ANNA, user_id=p.MOTHER)  # evicted: asked again
    client.lookup(p.CITS, user_id=p.MOTHER)  # kept: not asked
    assert simulator.app.counters()["by_subject"] == {
        p.ANNA.digits: 2,
        p.BERTA.digits: 1,
        p.CITS.digits: 1,
    }
    client.close()
