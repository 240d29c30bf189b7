"""CPU slots (issue 27): at most ``cpu_slots`` calls of a worker compute at once, and a call
waiting for a far register gives its slot back, so the worker keeps computing meanwhile."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from gateway import slots
from gateway.registry.client import RegistryClient
from gateway.simulators.register import start_simulator
from gateway.simulators.register_fixture import RegisterFixture
from gateway.simulators.register_server import RunningSimulator
from tests.registry import people as p
from tests.registry.conftest import REGISTER, make_settings

DELAY = 0.4
"""Seconds the far register takes to answer: long against a slot's hand-over."""


@pytest.fixture
def far_register(family: RegisterFixture) -> Iterator[RunningSimulator]:
    running = start_simulator(family, REGISTER, delay=DELAY)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def one_slot() -> Iterator[slots.CpuSlots]:
    previous = slots.SLOTS
    try:
        yield slots.configure(1)
    finally:
        slots.SLOTS = previous


def test_no_more_than_the_slots_compute_at_once() -> None:
    two = slots.CpuSlots(2)
    inside, most, lock = 0, 0, threading.Lock()

    def work() -> None:
        nonlocal inside, most
        with two.held():
            with lock:
                inside += 1
                most = max(most, inside)
            time.sleep(0.02)
            with lock:
                inside -= 1

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert most == 2


def test_a_call_waiting_for_the_register_lets_another_compute(
        far_register: RunningSimulator, one_slot: slots.CpuSlots) -> None:
    client = RegistryClient(make_settings(far_register.url, registry_read_timeout=5.0))
    asked, answered = threading.Event(), threading.Event()

    def parent_call() -> None:
        with slots.held():
            asked.set()
            client.lookup(p.ANNA, user_id=p.MOTHER)
            assert one_slot.holding  # the slot is taken again before the call goes on
            answered.set()

    caller = threading.Thread(target=parent_call)
    caller.start()
    try:
        assert asked.wait(5)
        time.sleep(0.05)  # the call is now waiting for the register
        started = time.monotonic()
        with slots.held():  # another call gets the one slot while the register is asked
            got_slot_after = time.monotonic() - started
            assert not answered.is_set()
        assert got_slot_after < DELAY / 2
    finally:
        caller.join(timeout=10)
        client.close()
    assert answered.is_set()


def test_without_waiting_the_slot_stays_held(one_slot: slots.CpuSlots) -> None:
    """What the test above proves is the release: a call that does not give the slot back
    keeps every other call out for as long as it runs."""
    holding = threading.Event()

    def busy_call() -> None:
        with slots.held():
            holding.set()
            time.sleep(DELAY)

    caller = threading.Thread(target=busy_call)
    caller.start()
    try:
        assert holding.wait(5)
        started = time.monotonic()
        with slots.held():
            assert time.monotonic() - started > DELAY / 2
    finally:
        caller.join(timeout=10)


def test_no_slots_means_no_limit() -> None:
    off = slots.CpuSlots(0)
    with off.held(), off.held():
        assert not off.holding
    with pytest.raises(ValueError):
        slots.CpuSlots(-1)


def test_slots_go_in_order_of_asking_and_a_call_back_from_the_register_first() -> None:
    one = slots.CpuSlots(1)
    order: list[str] = []
    r_waiting, register_answered = threading.Event(), threading.Event()

    def call_about_a_child() -> None:
        with one.held():
            with one.waiting():  # asks the register: the slot is free meanwhile
                r_waiting.set()
                assert register_answered.wait(5)
            order.append("back from the register")

    def new_call(name: str) -> None:
        with one.held():
            order.append(name)

    child = threading.Thread(target=call_about_a_child)
    child.start()
    assert r_waiting.wait(5)
    with one.held():  # this thread computes; the others queue behind it
        first, second = (threading.Thread(target=new_call, args=(n,)) for n in ("A", "B"))
        first.start()
        time.sleep(0.05)
        second.start()
        time.sleep(0.05)
        register_answered.set()
        time.sleep(0.05)
        assert order == []
    for t in (child, first, second):
        t.join(timeout=5)
    assert order == ["back from the register", "A", "B"]
