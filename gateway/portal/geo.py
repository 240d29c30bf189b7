"""The client's country, from a Regional Internet Registry's delegated-statistics file.

The format (RIR statistics exchange format, as RIPE NCC publishes it in
``delegated-ripencc-extended-latest``) is plain text, one record a line::

    registry|cc|type|start|value|date|status[|opaque-id]

with ``type`` ``ipv4`` (``value``: the number of addresses from ``start``) or ``ipv6``
(``value``: the prefix length). The header, the summary lines (``*`` in the cc place, or
``summary`` at the end) and comments (``#``) carry no ranges. Lines of other types (``asn``),
``available``/``reserved`` records and malformed lines are skipped and counted. An address in
no range has no country, and the portal refuses it like a foreign one (RULES §11).

Lookups are a binary search over sorted, non-overlapping ranges held in memory.
"""

from __future__ import annotations

import bisect
import ipaddress
import logging
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

MAX_LINES = 2_000_000
"""RIPE's extended file has about 250 000 lines; a file far longer is refused, not read on."""
_ASSIGNED = frozenset({"allocated", "assigned"})

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class _Table:
    starts: list[int]
    ends: list[int]  # inclusive
    countries: list[str]

    def find(self, value: int) -> str | None:
        i = bisect.bisect_right(self.starts, value) - 1
        if i >= 0 and value <= self.ends[i]:
            return self.countries[i]
        return None


def _table(ranges: list[tuple[int, int, str]]) -> _Table:
    ranges.sort()
    starts: list[int] = []
    ends: list[int] = []
    countries: list[str] = []
    for start, end, country in ranges:
        if ends and start <= ends[-1]:
            continue  # an overlap is a broken file; the first range wins
        starts.append(start)
        ends.append(end)
        countries.append(country)
    return _Table(starts, ends, countries)


class CountryDatabase:
    """Country of an IPv4 or IPv6 address, from one delegated-statistics file."""

    def __init__(self, v4: list[tuple[int, int, str]], v6: list[tuple[int, int, str]],
                 skipped: int = 0) -> None:
        self._v4 = _table(v4)
        self._v6 = _table(v6)
        self.skipped = skipped

    @property
    def size(self) -> int:
        """How many ranges the database holds."""
        return len(self._v4.starts) + len(self._v6.starts)

    def country(self, address: str) -> str | None:
        """The ISO 3166 code of ``address``, or ``None`` when unknown or not an address."""
        try:
            ip = ipaddress.ip_address(address.strip())
        except ValueError:
            return None
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        table = self._v4 if ip.version == 4 else self._v6
        return table.find(int(ip))

    @classmethod
    def parse(cls, text: str) -> CountryDatabase:
        """Read the file's text (see the module's documentation for the format)."""
        v4: list[tuple[int, int, str]] = []
        v6: list[tuple[int, int, str]] = []
        skipped = 0
        for number, line in enumerate(text.splitlines()):
            if number >= MAX_LINES:
                raise ValueError(f"more than {MAX_LINES} lines: not a delegated-statistics file")
            fields = line.strip().split("|")
            if len(fields) < 7 or line.startswith("#") or fields[1] == "*":
                continue
            cc, kind, start, value, status = fields[1], fields[2], fields[3], fields[4], fields[6]
            if kind not in ("ipv4", "ipv6") or status not in _ASSIGNED:
                continue
            try:
                parsed = _range(kind, start, value, cc)
            except ValueError:
                skipped += 1
                continue
            (v4 if kind == "ipv4" else v6).append(parsed)
        if skipped:
            log.warning("country database: %d malformed lines skipped", skipped)
        return cls(v4, v6, skipped)

    @classmethod
    def load(cls, path: Path) -> CountryDatabase:
        """Read the file at ``path``."""
        database = cls.parse(path.read_text(encoding="ascii", errors="replace"))
        log.info("country database %s: %d ranges", path.name, database.size)
        return database


def _range(kind: str, start: str, value: str, cc: str) -> tuple[int, int, str]:
    if len(cc) != 2 or not cc.isascii() or not cc.isalpha():
        raise ValueError("country")
    if kind == "ipv4":
        first = int(ipaddress.IPv4Address(start))
        count = int(value)
        if not 0 < count <= 2**32 - first:
            raise ValueError("count")
        return first, first + count - 1, cc.upper()
    network = ipaddress.IPv6Network(f"{start}/{int(value)}", strict=True)
    return int(network.network_address), int(network.broadcast_address), cc.upper()


def client_address(remote_addr: str, forwarded_for: str | None,
                   trusted: tuple[IPNetwork, ...]) -> str:
    """The client's address: the peer, or, when the peer is a trusted proxy, the rightmost
    address of ``X-Forwarded-For`` that is not itself a trusted proxy.

    A header from an untrusted peer is ignored: anyone can write one.
    """
    hops = [remote_addr]
    if forwarded_for and _is_trusted(remote_addr, trusted):
        hops = [remote_addr, *reversed([h.strip() for h in forwarded_for.split(",")][-32:])]
    for hop in hops:
        if not _is_trusted(hop, trusted):
            return hop
    return hops[-1]


def _is_trusted(address: str,
                trusted: tuple[IPNetwork, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)


def networks(values: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    """The configured trusted-proxy networks, parsed."""
    return tuple(ipaddress.ip_network(v, strict=False) for v in values)
