"""The TrueType fonts embedded in every document.

reportlab's built-in fonts cannot print Latvian letters (ā č ē ģ ī ķ ļ ņ š ū ž), so every
document embeds DejaVu Sans from the Debian package ``fonts-dejavu-core``. Fonts are read and
registered with reportlab once per process and font set; a missing or unusable font file is a
:class:`~gateway.errors.ConfigurationError`, never a document with boxes instead of letters.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]
from reportlab.pdfbase.ttfonts import TTFError, TTFont  # type: ignore[import-untyped]

from gateway.errors import ConfigurationError

DEFAULT_FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
"""Where Debian's ``fonts-dejavu-core`` installs DejaVu Sans."""

LATVIAN_LETTERS = "āčēģīķļņšūžĀČĒĢĪĶĻŅŠŪŽ"
"""Letters every font must carry, checked when the font is loaded."""


@dataclass(frozen=True, slots=True)
class FontSet:
    """Where to find the regular and the bold font."""

    directory: Path = DEFAULT_FONT_DIR
    """Directory holding both font files."""
    regular: str = "DejaVuSans.ttf"
    """File name of the regular face."""
    bold: str = "DejaVuSans-Bold.ttf"
    """File name of the bold face."""


@dataclass(frozen=True, slots=True)
class RegisteredFonts:
    """The names under which a :class:`FontSet` is registered with reportlab."""

    regular: str
    bold: str


_lock = threading.Lock()
_registered: dict[FontSet, RegisteredFonts] = {}


def register_fonts(fonts: FontSet) -> RegisteredFonts:
    """Register ``fonts`` with reportlab (once per process) and return their names.

    Raises :class:`~gateway.errors.ConfigurationError` when a file is missing, is not a usable
    TrueType font, or lacks a Latvian letter. Failures are not cached: installing the fonts
    later lets the next call succeed.
    """
    with _lock:
        found = _registered.get(fonts)
        if found is not None:
            return found
        regular_path = fonts.directory / fonts.regular
        bold_path = fonts.directory / fonts.bold
        # The name is internal to reportlab (the PDF names the font by its PostScript name);
        # deriving it from the paths keeps two font sets apart and every run alike.
        tag = hashlib.sha256(f"{regular_path}\0{bold_path}".encode()).hexdigest()[:10]
        names = RegisteredFonts(regular=f"VPIS-{tag}-Regular", bold=f"VPIS-{tag}-Bold")
        regular = _load(names.regular, regular_path)
        bold = _load(names.bold, bold_path)
        pdfmetrics.registerFont(regular)
        pdfmetrics.registerFont(bold)
        pdfmetrics.registerFontFamily(
            names.regular,
            normal=names.regular,
            bold=names.bold,
            italic=names.regular,
            boldItalic=names.bold,
        )
        _registered[fonts] = names
        return names


def _load(name: str, path: Path) -> TTFont:
    if not path.is_file():
        raise ConfigurationError(
            f"font file {path} is missing; install the Debian package fonts-dejavu-core "
            "or configure another font directory",
            path=str(path),
        )
    try:
        font = TTFont(name, str(path))
    except (TTFError, OSError) as exc:
        raise ConfigurationError(f"font file {path} is not usable: {exc}", path=str(path)) from exc
    missing = [ch for ch in LATVIAN_LETTERS if ord(ch) not in font.face.charToGlyph]
    if missing:
        raise ConfigurationError(
            f"font file {path} lacks Latvian letters: {''.join(missing)}", path=str(path)
        )
    return font
