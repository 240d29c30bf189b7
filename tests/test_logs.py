"""Log lines cannot be split or forged (CWE-117, issue 23): both formatters escape control
characters and line separators in every interpolated value and extra field, once, at the
logging layer; a traceback continues its record on indented lines."""

from __future__ import annotations

import io
import json
import logging
import sys

import pytest

from gateway.logs import CONTINUATION, JsonFormatter, TextFormatter, escape

ATTACKS = ["\n", "\r", "\r\n", "\x0b", "\x0c", "\x1b[2J", "\x00", "\x7f", "\x85", "\x9b",
           "\u2028", "\u2029", "\x1c", "\x1e"]
FORGED = "2026-12-05 08:00:00,000 INFO gateway.soap.app: call forged allowed"


def _record(msg: str, *args: object, exc: bool = False, **extra: object) -> logging.LogRecord:
    info = None
    if exc:
        try:
            raise ValueError(f"bad\n{FORGED}")
        except ValueError:
            info = sys.exc_info()
    record = logging.LogRecord("gateway.test", logging.WARNING, __file__, 1, msg, args, info)
    record.__dict__.update(extra)
    return record


@pytest.mark.parametrize("attack", ATTACKS)
def test_text_lines_cannot_be_split(attack: str) -> None:
    line = TextFormatter().format(_record("value %s here", f"x{attack}{FORGED}"))
    assert len(line.splitlines()) == 1  # splitlines knows every line boundary Python does
    assert line.endswith(" here")
    assert attack not in line


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_message_without_arguments_is_escaped_too(attack: str) -> None:
    assert len(TextFormatter().format(_record(f"x{attack}{FORGED}")).splitlines()) == 1


@pytest.mark.parametrize("attack", ATTACKS)
def test_json_lines_cannot_be_split(attack: str) -> None:
    text = JsonFormatter().format(_record("value %s", f"x{attack}{FORGED}",
                                          client=f"c{attack}d"))
    assert len(text.splitlines()) == 1
    entry = json.loads(text)
    assert attack not in entry["message"] and attack not in entry["client"]
    assert entry["message"] == f"value x{escape(attack)}{FORGED}"


def test_a_traceback_continues_its_record() -> None:
    text = TextFormatter().format(_record("failed", exc=True))
    first, *rest = text.split("\n")
    assert first.endswith("failed")
    assert rest and all(("\n" + line).startswith(CONTINUATION) for line in rest)
    assert not any(line.startswith(FORGED) for line in text.splitlines())
    assert len(JsonFormatter().format(_record("failed", exc=True)).splitlines()) == 1


def test_escape_keeps_what_is_printable() -> None:
    assert escape("Bērziņa — 81% ✓") == "Bērziņa — 81% ✓"
    assert escape("a\nb\u2028c\x01") == "a\\nb\\u2028c\\x01"


def test_configure_installs_the_escaping_formatters() -> None:
    from gateway.logs import configure

    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        for fmt in ("text", "json"):
            configure(logging.INFO, fmt)
            (handler,) = root.handlers
            assert isinstance(handler, logging.StreamHandler)
            stream = io.StringIO()
            handler.setStream(stream)
            logging.getLogger("gateway.x").warning("a %s", f"b\n{FORGED}")
            assert len(stream.getvalue().splitlines()) == 1
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
