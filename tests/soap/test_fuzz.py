"""Fuzzing the way in (issue 6), in process: the parser boundary and personal-code parsing.

Whatever bytes arrive, :func:`gateway.xmlsafe.parse_message` gives a tree or refuses with
``UnsafeXML``; :func:`gateway.soap.envelope.parse` and :func:`gateway.soap.xroad.check` give a
checked envelope or a :class:`~gateway.errors.GatewayError` (which the boundary turns into a
fault) — never another exception, and always quickly. The shape limits hold exactly: a tree is
refused if and only if it exceeds one of them. A personal code is either exactly 11 ASCII
digits or refused, and the published schema never lets through a shape the domain refuses.
"""

from __future__ import annotations

import contextlib
import itertools
import time
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from lxml import etree

from gateway.domain.personal_code import parse_personal_code, parse_user_id
from gateway.errors import GatewayError, InvalidPersonalCode
from gateway.ns import VPIS
from gateway.settings import load_settings
from gateway.soap import contract, envelope, xroad
from gateway.xmlsafe import (
    UnsafeXML,
    XmlLimits,
    _bounded_by_source,
    check_shape,
    hardened_parser,
    parse_message,
)
from tests.domain.reference import new_codes, old_birth_dates, old_code, old_codes, serials
from tests.soap import envelopes as E
from tests.stand import REPO

SETTINGS = load_settings()
MAX_BYTES = SETTINGS.max_request_bytes
SECONDS = 1.0
"""The most one parse may take (the inputs are at most a few kB)."""
FUZZ = settings(
    max_examples=300,
    deadline=timedelta(seconds=2),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
ATTACKS = REPO / "tests" / "data" / "attacks"
SEEDS = [
    E.envelope(),
    *sorted(
        path.read_bytes()
        for path in ATTACKS.glob("*/*")
        if path.suffix in (".xml", ".bin") and path.stat().st_size <= 8192
    ),
]
"""Valid and hostile envelopes to start mutating from: the hand-built one and the corpus."""
TOKENS = [
    b"<!DOCTYPE x>", b'<!DOCTYPE x [<!ENTITY e "ee">]>', b"&e;", b"&#0;", b"&#x1F;", b"&#xFF12;",
    b"<?pi x?>", b"<?xml version='1.0'?>", b"<!--", b"-->", b"<![CDATA[", b"]]>", b"<", b">",
    b"</", b"/>", b"=", b'"', b"'", b"&", b"\x00", b"\xff", b"\xc0\xaf", b"\xef\xbb\xbf",
    b"\xff\xfe", b"\xed\xa0\x80", "２".encode(), "٢".encode(), "\u200b".encode(),
    b'xmlns:a="urn:a"', b'xmlns=""', b' xsi:type="x"', b' soapenv:mustUnderstand="1"',
    b' iden:objectType="MEMBER"', b"<soapenv:Body>", b"</soapenv:Body>", b"<soapenv:Header>",
    b'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd"/>',
    b"<vpis:personalCode>", b"</vpis:personalCode>", b"220806-21170", b"LV", b" ", b"\n",
]


def _mutate(data: bytes, draw: st.DrawFn) -> bytes:
    """One edit of ``data``: a byte flipped, a token inserted, a slice dropped or doubled."""
    kind = draw(st.sampled_from(["flip", "insert", "drop", "double", "truncate"]))
    at = draw(st.integers(0, len(data)))
    end = draw(st.integers(at, min(len(data), at + 64)))
    if kind == "flip" and at < len(data):
        return data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1 :]
    if kind == "insert":
        return data[:at] + draw(st.sampled_from(TOKENS)) + data[at:]
    if kind == "drop":
        return data[:at] + data[end:]
    if kind == "double":
        return data[:end] + data[at:end] + data[end:]
    return data[:at]


@st.composite
def mutated_envelopes(draw: st.DrawFn) -> bytes:
    data = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 4))):
        data = _mutate(data, draw)
    return data


def _timed_parse(data: bytes) -> None:
    """Parse ``data`` as a request: a checked envelope and headers, or a gateway error."""
    started = time.perf_counter()
    try:
        checked = envelope.parse(data, max_bytes=MAX_BYTES, limits=SETTINGS.xml_limits)
        xroad.check(checked.header, SETTINGS)
        contract.body_schema().validate(checked.payload)
    except GatewayError:
        pass
    assert time.perf_counter() - started < SECONDS


@FUZZ
@given(data=st.binary(max_size=4096))
def test_any_bytes_parse_or_are_refused(data: bytes) -> None:
    started = time.perf_counter()
    try:
        root = parse_message(data, max_bytes=MAX_BYTES, limits=SETTINGS.xml_limits)
    except UnsafeXML:
        pass
    else:
        assert isinstance(root, etree._Element)
    assert time.perf_counter() - started < SECONDS


@FUZZ
@given(data=st.binary(max_size=4096))
def test_any_bytes_as_a_request_give_an_envelope_or_a_gateway_error(data: bytes) -> None:
    _timed_parse(data)


@FUZZ
@given(data=mutated_envelopes())
def test_mutated_envelopes_give_an_envelope_or_a_gateway_error(data: bytes) -> None:
    _timed_parse(data)


@FUZZ
@given(text=st.text(max_size=2000))
def test_any_text_as_utf8_or_utf16_gives_a_tree_or_a_refusal(text: str) -> None:
    for codec, bom in (("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b"\xff\xfe")):
        with contextlib.suppress(UnsafeXML):
            parse_message(bom + text.encode(codec, "surrogatepass"), max_bytes=MAX_BYTES)


# --- the shape limits, against a model of the tree ------------------------------------------

def _limits(max_text: st.SearchStrategy[int]) -> st.SearchStrategy[XmlLimits]:
    return st.builds(
        XmlLimits,
        max_depth=st.integers(4, 7),
        max_elements=st.integers(10, 30),
        max_attributes=st.integers(10, 40),
        max_namespaces=st.integers(4, 12),
        max_text=max_text,
        max_name=st.integers(16, 40),
    )


small_limits = _limits(st.integers(64, 100))
"""Limits near their smallest allowed values, so that small trees cross each of them."""
URIS = ["urn:a", "urn:bb", "urn:ccc"]


@dataclass
class Node:
    """A tree as the generator means it: what its shape is, independent of lxml."""

    local: str
    text: str
    attributes: list[str]
    default_ns: int | None  # an index into URIS declared here as the default namespace
    children: list[Node] = field(default_factory=list)


def _rarely(common: st.SearchStrategy[str], rare: st.SearchStrategy[str], one_in: int
            ) -> st.SearchStrategy[str]:
    """``rare`` about once in ``one_in`` draws, so that each limit is crossed now and then."""
    return st.integers(0, one_in - 1).flatmap(lambda n: rare if n == 0 else common)


ALPHABET = "xyz0123456789"
names = _rarely(st.text(alphabet="abcdefghij", min_size=1, max_size=8),
                st.text(alphabet="abcdefghij", min_size=12, max_size=30), 20)
texts = _rarely(st.text(alphabet=ALPHABET, max_size=20),
                st.text(alphabet=ALPHABET, min_size=60, max_size=110), 40)
values = _rarely(st.text(alphabet=ALPHABET, max_size=20),
                 st.text(alphabet=ALPHABET, min_size=60, max_size=110), 120)
leaves = st.builds(Node, names, texts, st.lists(values, max_size=5),
                   st.none() | st.integers(0, len(URIS) - 1))


def _chain(nodes: list[Node]) -> Node:
    for parent, child in itertools.pairwise(nodes):
        parent.children.append(child)
    return nodes[0]


trees = st.recursive(
    leaves,
    lambda children: st.builds(Node, names, texts, st.lists(values, max_size=5),
                               st.none() | st.integers(0, len(URIS) - 1),
                               st.lists(children, max_size=4)),
    max_leaves=30,
) | st.lists(leaves, min_size=1, max_size=9).map(_chain)
"""Bushy trees, and chains deep enough to cross max_depth."""


def _serialise(node: Node) -> str:
    declaration = f' xmlns="{URIS[node.default_ns]}"' if node.default_ns is not None else ""
    attributes = "".join(f' a{i}="{value}"' for i, value in enumerate(node.attributes))
    inner = node.text + "".join(_serialise(child) for child in node.children)
    return f"<{node.local}{declaration}{attributes}>{inner}</{node.local}>"


def _too_big(node: Node, limits: XmlLimits) -> bool:
    """Whether the model exceeds ``limits``, counted the way the limits are documented."""
    totals = {"elements": 0, "attributes": 0, "namespaces": 0, "depth": 0}
    long = False

    def walk(n: Node, depth: int, scope: str | None) -> None:
        nonlocal long
        uri = URIS[n.default_ns] if n.default_ns is not None else scope
        totals["elements"] += 1
        totals["attributes"] += len(n.attributes)
        totals["namespaces"] += uri != scope
        totals["depth"] = max(totals["depth"], depth)
        name = f"{{{uri}}}{n.local}" if uri else n.local
        long = long or len(name) > limits.max_name or len(n.text) > limits.max_text
        long = long or any(len(v) > limits.max_text for v in n.attributes)
        for child in n.children:
            walk(child, depth + 1, uri)

    walk(node, 1, None)
    return long or (
        totals["depth"] > limits.max_depth
        or totals["elements"] > limits.max_elements
        or totals["attributes"] > limits.max_attributes
        or totals["namespaces"] > limits.max_namespaces
    )


@FUZZ
@given(tree=trees, limits=small_limits)
def test_a_tree_is_refused_exactly_when_it_exceeds_a_limit(tree: Node, limits: XmlLimits) -> None:
    data = _serialise(tree).encode()
    try:
        parse_message(data, max_bytes=MAX_BYTES, limits=limits)
    except UnsafeXML as exc:
        assert _too_big(tree, limits), f"refused within the limits: {exc}"
    else:
        assert not _too_big(tree, limits), "accepted beyond the limits"


roomy_limits = _limits(st.integers(4000, 10_000))
"""As ``small_limits``, but ``max_text`` above most trees' length in bytes: then the bytes alone
bound the document but for its depth and names, and the check takes its way without the walk
(the other limits are crossed now and then, and then the document is walked)."""


@FUZZ
@given(tree=trees, limits=roomy_limits, codec=st.sampled_from(["utf-8", "utf-16"]))
def test_the_way_without_the_walk_refuses_exactly_what_the_walk_refuses(
        tree: Node, limits: XmlLimits, codec: str) -> None:
    data = _serialise(tree).encode(codec)  # UTF-16 with its BOM
    refused = {}
    try:
        parse_message(data, max_bytes=MAX_BYTES, limits=limits)
        refused["parse_message"] = False
    except UnsafeXML:
        refused["parse_message"] = True
    root = etree.fromstring(data, parser=hardened_parser())
    try:
        check_shape(root, limits)  # no source: the walk
        refused["walk"] = False
    except UnsafeXML:
        refused["walk"] = True
    assert refused == {"parse_message": _too_big(tree, limits), "walk": _too_big(tree, limits)}


def test_a_request_is_bounded_by_its_bytes_and_a_bigger_document_is_walked() -> None:
    request = E.envelope()
    limits = SETTINGS.xml_limits
    assert _bounded_by_source(request, "utf-8", limits)
    assert not _bounded_by_source(b"<a>" + b"x" * limits.max_text + b"</a>", "utf-8", limits)
    many = b"<a>" + b"<b/>" * limits.max_elements + b"</a>"
    assert len(many) <= limits.max_text
    assert not _bounded_by_source(many, "utf-8", limits)
    with pytest.raises(UnsafeXML, match="too many elements"):
        parse_message(many, max_bytes=MAX_BYTES, limits=limits)
    declarations = "".join(f" xmlns:p{n}='urn:{n}'" for n in range(limits.max_namespaces + 1))
    crowded = f"<a{declarations}/>".encode()
    assert len(crowded) <= limits.max_text
    assert not _bounded_by_source(crowded, "utf-8", limits)
    with pytest.raises(UnsafeXML, match="too many namespace declarations"):
        parse_message(crowded, max_bytes=MAX_BYTES, limits=limits)


@pytest.mark.parametrize(("document", "refusal"), [
    ("<a>" + "<b>" * 24 + "</b>" * 24 + "</a>", "too deep"),
    ("<a xmlns:x='urn:" + "u" * 250 + "'><x:b/></a>", "name too long"),
    ("<a><b " + "c" * 257 + "='1'/></a>", "name too long"),
    ("<a xmlns:i='http://www.w3.org/2001/XInclude'><i:include href='/etc/passwd'/></a>",
     "XInclude"),
    ("<a xmlns:i='http://www.w3.org/2001/XInc&#108;ude'><i:include href='x'/></a>",
     "XInclude"),
])
def test_a_small_document_beyond_a_limit_is_refused_without_the_walk(
        document: str, refusal: str) -> None:
    data = document.encode()
    assert _bounded_by_source(data, "utf-8", SETTINGS.xml_limits)
    with pytest.raises(UnsafeXML, match=refusal):
        parse_message(data, max_bytes=MAX_BYTES, limits=SETTINGS.xml_limits)


# --- personal codes -------------------------------------------------------------------------


hyphenated = st.builds(old_code, old_birth_dates, serials, hyphen=st.just(True))


@st.composite
def near_codes(draw: st.DrawFn) -> str:
    """Valid codes with one character replaced, inserted or removed, and arbitrary text."""
    code = draw(st.one_of(old_codes, new_codes, hyphenated))
    at = draw(st.integers(0, len(code)))
    char = draw(st.characters(blacklist_categories=("Cs",)))
    edit = draw(st.sampled_from(["replace", "insert", "remove", "none"]))
    if edit == "replace" and at < len(code):
        return code[:at] + char + code[at + 1 :]
    if edit == "insert":
        return code[:at] + char + code[at:]
    if edit == "remove" and at < len(code):
        return code[:at] + code[at + 1 :]
    return code


raw_codes = st.one_of(near_codes(), st.text(max_size=30))


@FUZZ
@given(raw=raw_codes)
def test_a_personal_code_is_eleven_ascii_digits_or_refused(raw: str) -> None:
    try:
        code = parse_personal_code(raw)
    except InvalidPersonalCode:
        return
    assert len(code.digits) == 11 and all(c in "0123456789" for c in code.digits)
    assert raw in (code.digits, code.display)


@FUZZ
@given(raw=raw_codes)
def test_a_user_id_is_lv_and_eleven_ascii_digits_or_refused(raw: str) -> None:
    try:
        code = parse_user_id("LV" + raw)
    except InvalidPersonalCode:
        return
    assert raw in (code.digits, code.display)


def _schema_accepts(raw: str) -> bool:
    wrapper = etree.Element(f"{{{VPIS}}}getExamResults", nsmap={"vpis": VPIS})
    try:
        etree.SubElement(wrapper, f"{{{VPIS}}}personalCode").text = raw
    except ValueError:  # not a string XML can hold
        assume(False)
    return bool(contract.body_schema().validate(wrapper))


@FUZZ
@given(raw=raw_codes)
def test_the_schema_and_the_domain_agree_on_the_shape_of_a_code(raw: str) -> None:
    try:
        parse_personal_code(raw)
        shape_ok = True
    except InvalidPersonalCode as exc:
        shape_ok = exc.detail != "shape"  # a valid shape with a bad date or check digit
    assert _schema_accepts(raw) == shape_ok
