"""Logging set-up: plain text for people, JSON lines for machines, neither forgeable.

Every call logs one line at INFO with its X-Road message id, service, client, outcome, reason,
time and audit record id, never a personal code (RULES §7); the audit record holds who asked
about whom.

A value a caller sent (a message id, an e-journal's error text, a file name) may carry line
breaks meant to start a forged line of their own (CWE-117). Both formatters therefore escape,
in the whole message and in every ``extra`` field, the C0 and C1 control characters (CR and LF
among them), DEL, and the Unicode line and paragraph separators (U+2028, U+2029), once, here,
for every call site. A traceback's own lines follow its record indented by ``\\t| ``, so none of
them can pass for a record.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from typing import Any

_STANDARD = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message"}
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
CONTINUATION = "\n\t| "
"""What starts each further line of a record (a traceback's): never a record of its own."""


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape(text: str) -> str:
    """``text`` on one line: control characters and line separators written as escapes."""
    return _UNSAFE.sub(_escaped, text)


def _safe_message(record: logging.LogRecord) -> logging.LogRecord:
    """A copy of ``record`` whose message is interpolated and escaped."""
    safe = logging.LogRecord.__new__(logging.LogRecord)  # a copy (makeLogRecord would
    safe.__dict__.update(record.__dict__)  # first fill a record of its own: 5 µs a line)
    safe.msg, safe.args = escape(record.getMessage()), None
    return safe


def _lines(text: str) -> str:
    """A traceback or stack as continuation lines, each escaped."""
    return CONTINUATION.join(escape(line) for line in text.splitlines())


class TextFormatter(logging.Formatter):
    """``time LEVEL logger: message``, one line a record (a traceback continues it)."""

    def __init__(self, fmt: str = "%(asctime)s %(levelname)s %(name)s: %(message)s") -> None:
        super().__init__(fmt)

    def format(self, record: logging.LogRecord) -> str:
        safe = _safe_message(record)
        safe.exc_info, safe.exc_text, safe.stack_info = None, None, None
        text = super().format(safe)
        if record.exc_info:
            text += CONTINUATION + _lines(self.formatException(record.exc_info))
        if record.stack_info:
            text += CONTINUATION + _lines(self.formatStack(record.stack_info))
        return text


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message and any ``extra`` fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": escape(record.getMessage()),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[escape(key)] = escape(value) if isinstance(value, str) else value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        # ensure_ascii=False keeps Latvian letters readable; json escapes C0, and the rest of
        # what could break a line (in a traceback's text) is written as JSON escapes here
        text = json.dumps(entry, ensure_ascii=False, default=lambda v: escape(str(v)))
        return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def configure(level: int, fmt: str) -> None:
    """Send the gateway's logs to stderr, as ``text`` or ``json``."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
