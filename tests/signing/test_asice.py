"""ASiC-E containers: the layout of EN 319 162-1 Annex A, and a reader that refuses bad ZIPs."""

from __future__ import annotations

import io
import time
import warnings
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree

from gateway.errors import InternalError, SignatureInvalid
from gateway.signing.asice import (
    ASICE_MIMETYPE,
    MANIFEST_NS,
    build_container,
    read_container,
    seal_pdf,
)
from gateway.signing.config import SignatureAlgorithm, SigningSettings
from gateway.signing.keys import SigningKey, load_eseal_key

from .test_xades import FAKE_PDF, SIGNING_TIME

SIGNATURE = b"<asic:XAdESSignatures xmlns:asic='http://uri.etsi.org/02918/v1.2.1#'/>"
PDF_NAME = "certificate.pdf"
Entry = tuple[str, bytes, int]


@pytest.fixture(scope="module")
def eseal_key(demo_data_dir: Path) -> SigningKey:
    return load_eseal_key(SigningSettings(algorithm=SignatureAlgorithm.RSA_SHA256), demo_data_dir)


def entries_of(pdf_name: str = PDF_NAME, pdf: bytes = FAKE_PDF) -> list[Entry]:
    """The entries of a well-formed container, to be edited by a case."""
    with zipfile.ZipFile(io.BytesIO(build_container(pdf_name, pdf, SIGNATURE))) as archive:
        return [(i.filename, archive.read(i), i.compress_type) for i in archive.infolist()]


def rezip(entries: list[Entry]) -> bytes:
    """A ZIP of ``entries`` in this order, duplicates and odd names included."""
    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w") as archive:
        warnings.simplefilter("ignore")  # "Duplicate name"
        for name, data, compression in entries:
            info = zipfile.ZipInfo(name, date_time=(2024, 7, 11, 5, 0, 0))
            info.compress_type = compression
            archive.writestr(info, data)
    return buffer.getvalue()


def declare_size(data: bytes, name: str, size: int) -> bytes:
    """``data`` with the central directory claiming ``size`` uncompressed bytes for ``name``."""
    end = data.rindex(b"PK\x05\x06")  # end of central directory record (APPNOTE 4.3.16)
    at = int.from_bytes(data[end + 16 : end + 20], "little")
    while True:  # central directory headers (APPNOTE 4.3.12)
        lengths = [int.from_bytes(data[at + i : at + i + 2], "little") for i in (28, 30, 32)]
        if data[at + 46 : at + 46 + lengths[0]] == name.encode():
            return data[: at + 24] + size.to_bytes(4, "little") + data[at + 28 :]
        at += 46 + sum(lengths)


def test_layout_follows_annex_a(eseal_key: SigningKey) -> None:
    edoc = seal_pdf(PDF_NAME, FAKE_PDF, eseal_key, SIGNING_TIME)
    # The first local header: "mimetype", stored, no extra field, the type right after (§A.1).
    assert edoc[:4] == b"PK\x03\x04"
    assert edoc[8:10] == b"\x00\x00" and edoc[28:30] == b"\x00\x00"
    assert edoc[30:38] == b"mimetype"
    assert edoc[38 : 38 + len(ASICE_MIMETYPE)] == ASICE_MIMETYPE.encode()
    with zipfile.ZipFile(io.BytesIO(edoc)) as archive:
        infos = archive.infolist()
        assert [i.filename for i in infos] == [
            "mimetype",
            PDF_NAME,
            "META-INF/manifest.xml",
            "META-INF/signatures0.xml",
        ]
        assert infos[0].compress_type == zipfile.ZIP_STORED and infos[0].extra == b""
        assert {i.date_time for i in infos} == {(2024, 7, 11, 5, 0, 6)}  # DOS: 2-second steps
        assert archive.read(PDF_NAME) == FAKE_PDF
        manifest = etree.fromstring(archive.read("META-INF/manifest.xml"))
    m = f"{{{MANIFEST_NS}}}"
    assert [(e.get(f"{m}full-path"), e.get(f"{m}media-type")) for e in manifest] == [
        ("/", ASICE_MIMETYPE),
        (PDF_NAME, "application/pdf"),
    ]


def test_building_is_deterministic() -> None:
    first = build_container(PDF_NAME, FAKE_PDF, SIGNATURE, timestamp=SIGNING_TIME)
    assert build_container(PDF_NAME, FAKE_PDF, SIGNATURE, timestamp=SIGNING_TIME) == first
    assert build_container(PDF_NAME, FAKE_PDF, SIGNATURE) != first  # 1980-01-01 by default


def test_read_container_returns_the_parts() -> None:
    container = read_container(build_container("Atestāts 2024.pdf", FAKE_PDF, SIGNATURE))
    assert container.data_files == {"Atestāts 2024.pdf": FAKE_PDF}
    assert container.signatures == {"META-INF/signatures0.xml": SIGNATURE}
    assert b"manifest:file-entry" in container.manifest


@pytest.mark.parametrize(
    "name", ["../x.pdf", "/etc/x.pdf", "a\\b.pdf", "mimetype", "META-INF/x.pdf", "", "c:x.pdf"]
)
def test_build_refuses_unsafe_names(name: str) -> None:
    with pytest.raises(InternalError):
        build_container(name, FAKE_PDF, SIGNATURE)


def _move_mimetype_last(entries: list[Entry]) -> list[Entry]:
    return [*entries[1:], entries[0]]


def _compress_mimetype(entries: list[Entry]) -> list[Entry]:
    return [(entries[0][0], entries[0][1], zipfile.ZIP_DEFLATED), *entries[1:]]


def _replace(
    index: int, name: str | None = None, data: bytes | None = None
) -> Callable[[list[Entry]], list[Entry]]:
    def edit(entries: list[Entry]) -> list[Entry]:
        old = entries[index]
        entries[index] = (
            old[0] if name is None else name,
            old[1] if data is None else data,
            old[2],
        )
        return entries

    return edit


def _add(
    name: str, data: bytes = b"x", compression: int = zipfile.ZIP_DEFLATED
) -> Callable[[list[Entry]], list[Entry]]:
    return lambda entries: [*entries, (name, data, compression)]


def _drop(name: str) -> Callable[[list[Entry]], list[Entry]]:
    return lambda entries: [e for e in entries if e[0] != name]


# Each case: how the entries are edited, and the reason the reader must give.
CASES: dict[str, tuple[Callable[[list[Entry]], list[Entry]], str]] = {
    "mimetype-not-first": (_move_mimetype_last, "mimetype"),
    "mimetype-compressed": (_compress_mimetype, "mimetype"),
    "mimetype-wrong-content": (_replace(0, data=b"application/zip"), "mimetype"),
    "mimetype-trailing-newline": (_replace(0, data=ASICE_MIMETYPE.encode() + b"\n"), "mimetype"),
    "zip-slip": (_add("../x"), "entry-name"),
    "zip-slip-nested": (_add("META-INF/../../x"), "entry-name"),
    "absolute-path": (_add("/x"), "entry-name"),
    "backslash": (_add("..\\x"), "entry-name"),
    "duplicate-pdf": (_add(PDF_NAME), "duplicate-entry"),
    "duplicate-signature": (_add("META-INF/signatures0.xml", SIGNATURE), "duplicate-entry"),
    "too-many-entries": (
        lambda e: e + [(f"f{i}", b"", zipfile.ZIP_STORED) for i in range(40)],
        "zip-limits",
    ),
    "bzip2": (_add("x.bin", b"x" * 100, zipfile.ZIP_BZIP2), "container"),
    "unknown-meta-inf-file": (_add("META-INF/container.xml"), "container"),
    "no-manifest": (_drop("META-INF/manifest.xml"), "manifest"),
    "no-signature": (_drop("META-INF/signatures0.xml"), "container"),
    "no-data-file": (_drop(PDF_NAME), "container"),
}


@pytest.mark.parametrize(("edit", "reason"), CASES.values(), ids=CASES.keys())
def test_reader_refuses(edit: Callable[[list[Entry]], list[Entry]], reason: str) -> None:
    with pytest.raises(SignatureInvalid) as caught:
        read_container(rezip(edit(entries_of())))
    assert caught.value.reason == reason


def test_mimetype_with_extra_field_is_refused() -> None:
    data = bytearray(rezip(entries_of()))
    data[28:30] = (4).to_bytes(2, "little")  # the local header claims an extra field
    with pytest.raises(SignatureInvalid) as caught:
        read_container(bytes(data))
    assert caught.value.reason == "mimetype"


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"", "zip"), (b"%PDF-1.4", "zip"), (b"PK\x03\x04" + b"\0" * 60, "mimetype")],
    ids=["empty", "not-zip", "truncated"],
)
def test_garbage_is_refused(data: bytes, reason: str) -> None:
    with pytest.raises(SignatureInvalid) as caught:
        read_container(data)
    assert caught.value.reason == reason


def test_an_empty_central_directory_is_refused() -> None:
    first_entry = build_container(PDF_NAME, FAKE_PDF, SIGNATURE)[: 38 + len(ASICE_MIMETYPE)]
    with pytest.raises(SignatureInvalid) as caught:
        read_container(first_entry + b"PK\x05\x06" + bytes(18))
    assert caught.value.reason == "mimetype"


def test_a_corrupt_entry_is_refused() -> None:
    data = bytearray(build_container(PDF_NAME, FAKE_PDF * 10, SIGNATURE))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo(PDF_NAME)
    data[info.header_offset + 30 + len(PDF_NAME) + 3] ^= 0xFF  # inside the deflated stream
    with pytest.raises(SignatureInvalid) as caught:
        read_container(bytes(data))
    assert caught.value.reason == "zip"


def test_a_declared_zip_bomb_is_refused_before_inflating() -> None:
    bomb = declare_size(build_container(PDF_NAME, FAKE_PDF, SIGNATURE), PDF_NAME, 0xFFFFFFF0)
    started = time.monotonic()
    with pytest.raises(SignatureInvalid) as caught:
        read_container(bomb)
    assert caught.value.reason == "zip-limits"
    assert time.monotonic() - started < 1


def test_a_real_zip_bomb_is_refused_quickly() -> None:
    zeros = b"\0" * (12 * 1024 * 1024)  # three of these inflate past the 32 MiB limit
    entries = [*entries_of(), *((f"zeros{i}.pdf", zeros, zipfile.ZIP_DEFLATED) for i in range(3))]
    bomb = rezip(entries)
    assert len(bomb) < 200_000
    started = time.monotonic()
    with pytest.raises(SignatureInvalid) as caught:
        read_container(bomb)
    assert caught.value.reason == "zip-limits"
    assert time.monotonic() - started < 1


def test_an_understated_size_is_caught_while_reading() -> None:
    lying = declare_size(build_container(PDF_NAME, FAKE_PDF, SIGNATURE), PDF_NAME, 10)
    with pytest.raises(SignatureInvalid) as caught:
        read_container(lying)
    assert caught.value.reason == "zip"


def test_directory_entries_are_ignored() -> None:
    entries = entries_of()
    container = read_container(
        rezip([*entries[:2], ("META-INF/", b"", zipfile.ZIP_STORED), *entries[2:]])
    )
    assert list(container.data_files) == [PDF_NAME]


def test_seal_pdf_dates_entries_by_the_signing_time(eseal_key: SigningKey) -> None:
    when = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    with zipfile.ZipFile(io.BytesIO(seal_pdf(PDF_NAME, FAKE_PDF, eseal_key, when))) as archive:
        assert {i.date_time for i in archive.infolist()} == {(2025, 1, 2, 3, 4, 4)}
