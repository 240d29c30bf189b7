"""A ZIP archive written as it is sent: a school's certificates (RULES §12) in one download.

:func:`stream_zip` hands out the archive's bytes entry by entry, so a 400-graduate school's
archive never stands whole in memory: what is held at once is one entry and its headers. The
standard library's :mod:`zipfile` writes to an unseekable sink (each entry then carries its sizes
and CRC in a data descriptor, APPNOTE 4.3.9); the entries are stored, not compressed again,
since an ``.edoc`` is itself a ZIP of compressed parts.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator
from datetime import datetime


class _Sink(io.RawIOBase):
    """Collects what :class:`zipfile.ZipFile` writes until it is taken; cannot seek."""

    def __init__(self) -> None:
        super().__init__()
        self._chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        self._chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


def stream_zip(entries: Iterable[tuple[str, bytes]], modified: datetime) -> Iterator[bytes]:
    """The ZIP of ``entries`` (name, content) as chunks, one (or more) per entry, then the
    central directory. ``modified`` (local time) is every entry's timestamp. The next entry
    is asked for only after the previous one's bytes have been taken."""
    sink = _Sink()
    stamp = (modified.year, modified.month, modified.day,
             modified.hour, modified.minute, modified.second)
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, content in entries:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.external_attr = 0o644 << 16
            archive.writestr(info, content)
            yield sink.take()
    yield sink.take()
