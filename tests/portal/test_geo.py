"""The country database (RIR delegated statistics) and the client address behind proxies."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.portal.geo import CountryDatabase, client_address, networks
from tests.portal.countries import (
    DE_CLIENT,
    DELEGATED,
    EE_CLIENT,
    LT_CLIENT,
    LV6_CLIENT,
    LV_CLIENT,
    SE6_CLIENT,
    UNKNOWN_CLIENT,
    US_CLIENT,
    write_countries,
)

DB = CountryDatabase.parse(DELEGATED)


@pytest.mark.parametrize(("address", "country"), [
    (LV_CLIENT, "LV"), ("127.255.255.255", "LV"), (LT_CLIENT, "LT"), ("198.51.100.127", "LT"),
    ("198.51.100.128", "EE"), (EE_CLIENT, "EE"), (US_CLIENT, "US"), (DE_CLIENT, "DE"),
    (LV6_CLIENT, "LV"), (SE6_CLIENT, "SE"), ("::ffff:127.0.0.1", "LV"),
    (UNKNOWN_CLIENT, None), ("128.0.0.0", None), ("2001:db8:30::1", None),
    ("", None), ("not-an-address", None), ("127.0.0.1%eth0", None),
])
def test_country_of_an_address(address: str, country: str | None) -> None:
    assert DB.country(address) == country


def test_header_summary_asn_and_available_lines_hold_no_ranges() -> None:
    assert DB.size == 7
    assert DB.skipped == 1  # the malformed start address


def test_loads_from_a_file(tmp_path: Path) -> None:
    assert CountryDatabase.load(write_countries(tmp_path)).country(LT_CLIENT) == "LT"


def test_overlapping_ranges_keep_the_first() -> None:
    db = CountryDatabase.parse("ripencc|LV|ipv4|10.0.0.0|256|0|allocated\n"
                               "ripencc|US|ipv4|10.0.0.128|256|0|allocated\n")
    assert db.country("10.0.0.200") == "LV"
    assert db.country("10.0.1.10") is None


def test_a_count_past_the_address_space_is_skipped() -> None:
    db = CountryDatabase.parse("ripencc|LV|ipv4|255.255.255.0|512|0|allocated\n")
    assert db.size == 0 and db.skipped == 1


@given(st.integers(min_value=0, max_value=2**24 - 1))
def test_every_loopback_address_is_latvian(offset: int) -> None:
    assert DB.country(str(ipaddress.IPv4Address("127.0.0.0") + offset)) == "LV"


TRUSTED = networks(("10.0.0.0/8", "2001:db8:ff::/48"))


@pytest.mark.parametrize(("peer", "header", "client"), [
    ("203.0.113.9", None, "203.0.113.9"),
    ("203.0.113.9", "198.51.100.7", "203.0.113.9"),  # untrusted peer: header ignored
    ("10.0.0.1", "198.51.100.7", "198.51.100.7"),
    ("10.0.0.1", "198.51.100.7, 10.0.0.2", "198.51.100.7"),
    ("10.0.0.1", "1.2.3.4, 198.51.100.7", "198.51.100.7"),  # only the rightmost untrusted
    ("10.0.0.1", "garbage", "garbage"),  # then unknown to the database: refused
    ("10.0.0.1", "10.0.0.3", "10.0.0.3"),  # all trusted: the farthest one
    ("10.0.0.1", None, "10.0.0.1"),
    ("2001:db8:ff::1", "2001:db8:10::5", "2001:db8:10::5"),
])
def test_client_address(peer: str, header: str | None, client: str) -> None:
    assert client_address(peer, header, TRUSTED) == client


def test_a_long_header_is_read_from_the_right() -> None:
    header = ", ".join(["1.1.1.1"] * 1000 + ["198.51.100.7"])
    assert client_address("10.0.0.1", header, TRUSTED) == "198.51.100.7"
