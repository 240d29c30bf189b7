"""A small RIR delegated-statistics file for the tests, in the format RIPE NCC publishes."""

from __future__ import annotations

from pathlib import Path

DELEGATED = """\
2|ripencc|20261201|9|19830705|20261130|+0100
ripencc|*|ipv4|*|5|summary
ripencc|*|ipv6|*|2|summary
ripencc|*|asn|*|1|summary
# loopback stands for the test's own Latvian clients
ripencc|LV|ipv4|127.0.0.0|16777216|20000101|allocated|test-lv
ripencc|LT|ipv4|198.51.100.0|128|20100101|assigned|test-lt
ripencc|EE|ipv4|198.51.100.128|128|20100101|assigned|test-ee
arin|US|ipv4|203.0.113.0|256|20100101|assigned|test-us
ripencc|DE|ipv4|192.0.2.0|256|20100101|allocated|test-de
ripencc|LV|ipv6|2001:db8:10::|48|20100101|allocated|test-lv6
ripencc|SE|ipv6|2001:db8:20::|48|20100101|allocated|test-se6
ripencc|LV|asn|64500|1|20100101|allocated|test-asn
ripencc||ipv4|192.0.2.0|256||available
ripencc|LV|ipv4|not-an-address|256|20100101|allocated
"""
LV_CLIENT = "127.0.0.1"
LT_CLIENT, EE_CLIENT = "198.51.100.7", "198.51.100.200"
US_CLIENT, DE_CLIENT = "203.0.113.9", "192.0.2.44"
LV6_CLIENT, SE6_CLIENT = "2001:db8:10::5", "2001:db8:20::5"
UNKNOWN_CLIENT = "100.64.0.1"


def write_countries(directory: Path) -> Path:
    path = directory / "delegated-test-extended"
    path.write_text(DELEGATED, encoding="ascii")
    return path


def portal_environment(data_dir: Path, database_url: str, port: int,
                       **extra: str) -> dict[str, str]:
    """:func:`tests.stand.environment` for a gateway whose portal is served over plain http on
    127.0.0.1:``port``, with this module's country database."""
    from tests.stand import environment

    return environment(
        data_dir, database_url,
        GATEWAY_PUBLIC_URL=f"http://127.0.0.1:{port}/",
        GATEWAY_PORTAL__PUBLIC_URL=f"http://127.0.0.1:{port}/portal/",
        GATEWAY_PORTAL__SECURE_COOKIES="false",
        GATEWAY_PORTAL__COUNTRY_DATABASE=str(write_countries(data_dir)),
        **extra,
    )
