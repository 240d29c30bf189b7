"""ASiC-E containers (``.edoc``): building one around a sealed PDF, reading one defensively.

ETSI EN 319 162-1 §4.4 (ASiC-E) and Annex A: a ZIP whose first entry is ``mimetype``, stored
uncompressed and without extra field, holding ``application/vnd.etsi.asic-e+zip`` (§A.1);
the data files; ``META-INF/manifest.xml`` in the ODF manifest form (§A.4; OpenDocument 1.2
Part 3 §4); and the XAdES signature ``META-INF/signatures0.xml`` (§A.5). Built containers are
deterministic: fixed entry order, timestamps and attributes, so the same signature document
gives the same bytes.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime

from lxml import etree

from gateway.errors import InternalError, SignatureInvalid
from gateway.signing.keys import SigningKey
from gateway.signing.xades import sign_detached

__all__ = [
    "ASICE_MIMETYPE",
    "MANIFEST",
    "MANIFEST_NS",
    "SIGNATURES",
    "Container",
    "build_container",
    "read_container",
    "seal_pdf",
]

ASICE_MIMETYPE = "application/vnd.etsi.asic-e+zip"
MANIFEST_NS = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
MIMETYPE = "mimetype"
MANIFEST = "META-INF/manifest.xml"
SIGNATURES = "META-INF/signatures0.xml"
PDF_MIMETYPE = "application/pdf"

MAX_ENTRIES = 32
"""Most entries a container may have (ours have four)."""
MAX_TOTAL_SIZE = 32 * 1024 * 1024
"""Most uncompressed bytes of all entries together, checked on the declared sizes first."""

_EPOCH = datetime(1980, 1, 1, tzinfo=UTC)  # the earliest ZIP (MS-DOS) timestamp
_FILE_MODE = 0o100644 << 16  # a regular file, rw-r--r-- (for unzip on Unix)


@dataclass(frozen=True, slots=True)
class Container:
    """The parts of an ASiC-E container, as :func:`read_container` found them."""

    data_files: dict[str, bytes]
    """The signed files (outside ``META-INF/``), by name, in archive order."""
    manifest: bytes
    signatures: dict[str, bytes]
    """The signature documents ``META-INF/*signatures*.xml``, by name."""


def seal_pdf(pdf_name: str, pdf: bytes, eseal_key: SigningKey, signing_time: datetime) -> bytes:
    """The ``.edoc`` of ``pdf``: a XAdES-B-B signature by ``eseal_key`` in an ASiC-E container."""
    signature = sign_detached([(pdf_name, pdf, PDF_MIMETYPE)], eseal_key, signing_time=signing_time)
    return build_container(pdf_name, pdf, signature, timestamp=signing_time)


def build_container(
    pdf_name: str, pdf: bytes, signature_xml: bytes, *, timestamp: datetime | None = None
) -> bytes:
    """The ASiC-E container of one PDF and its signature document (EN 319 162-1 §A).

    Every entry carries ``timestamp`` (UTC, default 1980-01-01) as its modification time.
    """
    if _unsafe_name(pdf_name) or pdf_name == MIMETYPE or pdf_name.startswith("META-INF/"):
        raise InternalError("unsafe or reserved name for the PDF in a container", name=pdf_name)
    when = max(timestamp or _EPOCH, _EPOCH).astimezone(UTC)
    date_time = (when.year, when.month, when.day, when.hour, when.minute, when.second)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        entries = (
            (MIMETYPE, ASICE_MIMETYPE.encode("ascii"), zipfile.ZIP_STORED),
            (pdf_name, pdf, zipfile.ZIP_DEFLATED),
            (MANIFEST, _manifest(pdf_name, PDF_MIMETYPE), zipfile.ZIP_DEFLATED),
            (SIGNATURES, signature_xml, zipfile.ZIP_DEFLATED),
        )
        for name, data, compression in entries:
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = compression
            info.create_system = 3
            info.external_attr = _FILE_MODE
            archive.writestr(info, data)
    return buffer.getvalue()


def read_container(
    data: bytes, *, max_entries: int = MAX_ENTRIES, max_total_size: int = MAX_TOTAL_SIZE
) -> Container:
    """Parse an ASiC-E container, refusing anything a verifier should not have to look at.

    Checks the ``mimetype`` entry in the first local header (EN 319 162-1 §A.1), the entry
    names (no absolute paths, ``..``, backslashes or duplicates), the number of entries and
    the total uncompressed size (declared, then actual), encryption and compression methods,
    and that ``META-INF/`` holds only the manifest and signature documents.
    Raises :class:`SignatureInvalid`.
    """
    _check_mimetype_header(data)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise SignatureInvalid("not a readable ZIP archive", reason="zip") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > max_entries:
            raise SignatureInvalid("the container has too many entries", reason="zip-limits")
        if sum(info.file_size for info in infos) > max_total_size:
            raise SignatureInvalid("the container is too large when unpacked", reason="zip-limits")
        if not infos or infos[0].filename != MIMETYPE or infos[0].header_offset != 0:
            raise SignatureInvalid("mimetype is not the first entry", reason="mimetype")
        entries: dict[str, bytes] = {}
        for info in infos:
            _check_entry(info, entries)
            if info.is_dir():
                continue
            entries[info.filename] = _read_entry(archive, info)
    if entries.pop(MIMETYPE) != ASICE_MIMETYPE.encode("ascii"):
        raise SignatureInvalid("mimetype is not " + ASICE_MIMETYPE, reason="mimetype")
    meta = {name: body for name, body in entries.items() if name.startswith("META-INF/")}
    manifest = meta.pop(MANIFEST, None)
    signatures = {n: b for n, b in meta.items() if _is_signature_name(n)}
    if manifest is None:
        raise SignatureInvalid("the container has no META-INF/manifest.xml", reason="manifest")
    if not signatures:
        raise SignatureInvalid("the container has no signature document", reason="container")
    if meta.keys() - signatures.keys():
        raise SignatureInvalid("unexpected files in META-INF", reason="container")
    data_files = {n: b for n, b in entries.items() if not n.startswith("META-INF/")}
    if not data_files:
        raise SignatureInvalid("the container has no data file", reason="container")
    return Container(data_files=data_files, manifest=manifest, signatures=signatures)


def _manifest(name: str, media_type: str) -> bytes:
    """``META-INF/manifest.xml``: the container itself and the one data file (§A.4)."""
    attr = f"{{{MANIFEST_NS}}}"
    root = etree.Element(
        f"{attr}manifest", {f"{attr}version": "1.2"}, nsmap={"manifest": MANIFEST_NS}
    )
    for full_path, media in (("/", ASICE_MIMETYPE), (name, media_type)):
        etree.SubElement(
            root, f"{attr}file-entry", {f"{attr}full-path": full_path, f"{attr}media-type": media}
        )
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _check_mimetype_header(data: bytes) -> None:
    """The first local file header (APPNOTE 4.3.7) must be ``mimetype``, stored, no extra."""
    header = data[:38]
    if len(header) < 38 or header[:4] != b"PK\x03\x04":
        raise SignatureInvalid("not a ZIP archive", reason="zip")
    method = int.from_bytes(header[8:10], "little")
    name_length = int.from_bytes(header[26:28], "little")
    extra_length = int.from_bytes(header[28:30], "little")
    if header[30:38] != MIMETYPE.encode("ascii") or name_length != len(MIMETYPE):
        raise SignatureInvalid("mimetype is not the first entry", reason="mimetype")
    if method != zipfile.ZIP_STORED or extra_length != 0:
        raise SignatureInvalid("mimetype is compressed or has an extra field", reason="mimetype")


def _check_entry(info: zipfile.ZipInfo, seen: dict[str, bytes]) -> None:
    name = info.filename
    if _unsafe_name(name.removesuffix("/") if info.is_dir() else name):
        raise SignatureInvalid("unsafe entry name in the container", reason="entry-name")
    if name in seen:
        raise SignatureInvalid("the container repeats an entry name", reason="duplicate-entry")
    if info.flag_bits & 0x1:
        raise SignatureInvalid("encrypted entries are not allowed", reason="container")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise SignatureInvalid("unsupported compression method", reason="container")


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    try:
        with archive.open(info) as stream:
            body = stream.read(info.file_size + 1)  # zipfile also stops at the declared size
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, zlib.error):
        raise SignatureInvalid("a container entry is corrupt", reason="zip") from None
    if len(body) != info.file_size:
        raise SignatureInvalid("a container entry is corrupt", reason="zip")
    return body


def _unsafe_name(name: str) -> bool:
    """Not a relative path of plain segments (``..``, ``\\``, ``:``, control characters)."""
    return (
        not name
        or len(name) > 255
        or any(part in ("", ".", "..") for part in name.split("/"))
        or any(c in name for c in "\\:")
        or any(ord(c) < 0x20 or ord(c) == 0x7F for c in name)
    )


def _is_signature_name(name: str) -> bool:
    """``META-INF/*signatures*.xml`` (EN 319 162-1 §4.4.2), directly in META-INF."""
    local = name.removeprefix("META-INF/")
    return "/" not in local and "signatures" in local and local.endswith(".xml")
