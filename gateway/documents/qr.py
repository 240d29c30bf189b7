"""QR codes of verification links (RULES §14), made with segno: an inline SVG for the portal and
the X-Road answer, and the module matrix for the certificate's PDF."""

from __future__ import annotations

import segno


def svg(text: str, *, title: str) -> str:
    """``text`` as an inline SVG QR code (error correction M), with an accessible title."""
    code = segno.make(text, error="m", micro=False)
    return str(code.svg_inline(scale=4, border=2, title=title, dark="#000", light="#fff",
                               omitsize=False))


def matrix(text: str) -> tuple[tuple[bool, ...], ...]:
    """``text``'s QR code (error correction M) as rows of dark (True) and light modules,
    without the quiet zone."""
    code = segno.make(text, error="m", micro=False)
    return tuple(tuple(bool(m) for m in row) for row in code.matrix)
