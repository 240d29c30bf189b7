"""The text of a PDF, as a reader would copy it.

``pdftotext`` (poppler-utils) when it is installed; otherwise a small pure-Python reader that
understands what reportlab writes: Flate/ASCII85 streams, TrueType subsets with a ``ToUnicode``
CMap, and ``Tj``/``TJ`` text operators. It is no general PDF parser, only enough to check
our own documents where poppler is missing.
"""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
import zlib

_OBJECT = re.compile(rb"(\d+) 0 obj(.*?)endobj", re.S)
_REF = re.compile(rb"/([^\s/<>\[\]()]+) (\d+) 0 R")
_TOKEN = re.compile(
    rb"\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f\s]*>|\[|\]|/[^\s/<>\[\]()]+|[^\s/<>\[\]()]+", re.S
)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def extract_text(pdf: bytes) -> str:
    """The text of ``pdf``: with poppler's ``pdftotext`` if present, else in pure Python."""
    if shutil.which("pdftotext"):
        done = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", "-", "-"],
            input=pdf,
            capture_output=True,
            check=True,
            timeout=60,
        )
        return done.stdout.decode("utf-8")
    return extract_text_pure(pdf)


def extract_text_pure(pdf: bytes) -> str:
    """The text of a reportlab PDF, without any tool: one line per text positioning."""
    objects = {int(m[1]): m[2] for m in _OBJECT.finditer(pdf)}
    cmaps: dict[bytes, dict[int, str]] = {}
    for body in objects.values():
        for name, ref in _REF.findall(body):
            font = objects.get(int(ref), b"")
            found = re.search(rb"/ToUnicode (\d+) 0 R", font)
            if found and name not in cmaps:
                cmaps[name] = _cmap(_stream(objects[int(found[1])]))
    pages = [body for body in objects.values() if re.search(rb"/Type /Page\b", body)]
    lines: list[str] = []
    for page in pages:
        contents = re.search(rb"/Contents (\d+) 0 R", page)
        if contents:
            lines += _show(_stream(objects[int(contents[1])]), cmaps)
    return "\n".join(lines)


def _stream(body: bytes) -> bytes:
    start = body.index(b"stream") + len(b"stream")
    data = body[start : body.rindex(b"endstream")].strip(b"\r\n")
    for name in re.findall(rb"/(ASCII85Decode|FlateDecode)", body[:start]):
        if name == b"ASCII85Decode":
            data = base64.a85decode(data.strip().removesuffix(b"~>"))
        else:
            data = zlib.decompress(data)
    return data


def _cmap(data: bytes) -> dict[int, str]:
    mapping: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        triples = re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block)
        for low, high, dst in triples:
            first = int(dst, 16)
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                mapping[code] = chr(first + offset)
    return mapping


def _literal(token: bytes) -> bytes:
    out = bytearray()
    i, body = 0, token[1:-1]
    while i < len(body):
        char = body[i : i + 1]
        if char != b"\\":
            out += char
            i += 1
            continue
        octal = re.match(rb"[0-7]{1,3}", body[i + 1 : i + 4])
        if octal:
            out.append(int(octal[0], 8) & 0xFF)
            i += 1 + len(octal[0])
        else:
            nxt = body[i + 1 : i + 2]
            out += _ESCAPES.get(nxt, nxt)
            i += 2
    return bytes(out)


def _show(content: bytes, cmaps: dict[bytes, dict[int, str]]) -> list[str]:
    """Decode the shown strings; every line move (``Td``, ``TD``, ``T*``, ``Tm``) starts a line."""
    lines: list[str] = []
    current: list[str] = []
    operands: list[bytes] = []
    cmap: dict[int, str] = {}

    def decode(raw: bytes) -> str:
        return "".join(cmap.get(code, chr(code)) for code in raw)

    def strings(tokens: list[bytes]) -> list[bytes]:
        found = []
        for token in tokens:
            if token.startswith(b"("):
                found.append(_literal(token))
            elif token.startswith(b"<"):
                found.append(bytes.fromhex(re.sub(rb"\s", b"", token[1:-1]).decode()))
        return found

    for token in _TOKEN.findall(content):
        if token in (b"Td", b"TD", b"T*", b"Tm", b"BT", b"ET"):
            if current:
                lines.append("".join(current))
                current = []
        elif token == b"Tf" and len(operands) >= 2:
            cmap = cmaps.get(operands[-2].lstrip(b"/"), {})
        elif token in (b"Tj", b"TJ", b"'", b'"'):
            current += [decode(raw) for raw in strings(operands)]
        if re.fullmatch(rb"[A-Za-z*'\"]+", token) and token not in (b"true", b"false"):
            operands = []
        else:
            operands.append(token)
    if current:
        lines.append("".join(current))
    return lines


def document_info(pdf: bytes) -> dict[str, str]:
    """The document information dictionary (``/Title``, ``/Author``, …) as text."""
    info: dict[str, str] = {}
    for key, token in re.findall(rb"/(Title|Author|Subject|Creator) (\((?:\\.|[^\\)])*\))", pdf):
        raw = _literal(token)
        text = raw[2:].decode("utf-16-be") if raw.startswith(b"\xfe\xff") else raw.decode("latin-1")
        info[key.decode()] = text
    return info
