"""The page every document shares: A4, a double frame, VISC's header and the e-seal footer.

Built on reportlab's platypus, which wraps long names and texts instead of cutting them and
flows onto a second page rather than failing. ``invariant=1`` removes the creation date and the
random document ID, so the same data always give the same bytes: a sealed e-document must be
reproducible (RULES §6).
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.shapes import Drawing, Rect  # type: ignore[import-untyped]
from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.enums import TA_CENTER, TA_RIGHT  # type: ignore[import-untyped]
from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]
from reportlab.platypus import (  # type: ignore[import-untyped]
    BaseDocTemplate,
    Flowable,
    Frame,
    HRFlowable,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)

from gateway.documents import qr, wording
from gateway.documents.fonts import FontSet, RegisteredFonts, register_fonts

INK = colors.HexColor("#1b2a4a")  # dark blue of headings and frame
MUTED = colors.HexColor("#5a6272")  # English subtitles
RULE = colors.HexColor("#c9cfd9")  # thin separating lines
SHADE = colors.HexColor("#eef1f6")  # table header background

PAGE_WIDTH, PAGE_HEIGHT = A4
SIDE_MARGIN = 25 * mm
TOP_MARGIN = 18 * mm
BOTTOM_MARGIN = 40 * mm  # room for the footer
FOOTER_BOTTOM = 17 * mm  # baseline area of the footer's last line, clear of the frame
FRAME_PADDING = 6  # points between the frame's edge and its text, on every side
CONTENT_LEFT = SIDE_MARGIN + FRAME_PADDING
CONTENT_WIDTH = PAGE_WIDTH - 2 * CONTENT_LEFT
LABEL_WIDTH = 52 * mm
SEAL_WIDTH = 70 * mm
QR_SIZE = 17 * mm

# reportlab keeps process-wide mutable state (font subsets per document, the font registry);
# one build at a time keeps concurrent requests from disturbing each other.
_build_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class Styles:
    """Paragraph styles of one registered font set."""

    fonts: RegisteredFonts
    issuer: ParagraphStyle
    small_center: ParagraphStyle
    title: ParagraphStyle
    title_line: ParagraphStyle
    number: ParagraphStyle
    label: ParagraphStyle
    label_right: ParagraphStyle
    value: ParagraphStyle
    value_right: ParagraphStyle
    strong: ParagraphStyle
    strong_right: ParagraphStyle
    body: ParagraphStyle
    footer: ParagraphStyle

    def bilingual(
        self, pair: wording.Bilingual, style: ParagraphStyle, *, en_size: float = 7
    ) -> Paragraph:
        """A Latvian text in ``style`` with its English subtitle below in small grey type."""
        lv, en = pair
        return self.bilingual_markup(text(lv), en, style, en_size=en_size)

    def bilingual_markup(
        self, lv_markup: str, en: str, style: ParagraphStyle, *, en_size: float = 7
    ) -> Paragraph:
        """Like :meth:`bilingual`, the Latvian part being paragraph markup already escaped."""
        # The English line is always in the regular face, even under a bold Latvian label.
        return Paragraph(
            f'{lv_markup}<br/><font name="{self.fonts.regular}" size="{en_size}" '
            f'color="#{MUTED.hexval()[2:]}">{text(en)}</font>',
            style,
        )


@lru_cache(maxsize=8)
def styles_for(fonts: FontSet) -> Styles:
    """Register ``fonts`` (once) and build the styles that use them."""
    names = register_fonts(fonts)

    def style(name: str, size: float, *, bold: bool = False, **kw: object) -> ParagraphStyle:
        settings: dict[str, object] = {"leading": size * 1.3, "textColor": INK, **kw}
        font = names.bold if bold else names.regular
        return ParagraphStyle(name, fontName=font, fontSize=size, **settings)

    return Styles(
        fonts=names,
        issuer=style("issuer", 13, bold=True, alignment=TA_CENTER),
        small_center=style("small_center", 8, alignment=TA_CENTER, textColor=MUTED),
        title=style("title", 17, bold=True, alignment=TA_CENTER, spaceBefore=4),
        title_line=style("title_line", 12, alignment=TA_CENTER),
        number=style("number", 11, alignment=TA_CENTER),
        label=style("label", 9.5),
        label_right=style("label_right", 9.5, alignment=TA_RIGHT),
        value=style("value", 10.5),
        value_right=style("value_right", 10.5, alignment=TA_RIGHT),
        strong=style("strong", 11.5, bold=True),
        strong_right=style("strong_right", 11.5, bold=True, alignment=TA_RIGHT),
        body=style("body", 10.5, leading=15),
        footer=style("footer", 7.5, textColor=MUTED),
    )


def text(value: str) -> str:
    """Escape data for a reportlab paragraph, whose text is a small XML dialect."""
    return escape(value)


def header(st: Styles) -> list[Flowable]:
    """VISC's name in Latvian and English above a rule."""
    return [
        Paragraph(text(wording.ISSUER[0]), st.issuer),
        Paragraph(text(wording.ISSUER[1]), st.small_center),
        HRFlowable(width="100%", thickness=0.8, color=INK, spaceBefore=2 * mm, spaceAfter=7 * mm),
    ]


def details(rows: Sequence[tuple[wording.Bilingual, Paragraph]], st: Styles) -> Table:
    """Label/value rows, the label bilingual, with a thin rule under each row."""
    table = Table(
        [[st.bilingual(label, st.label), value] for label, value in rows],
        colWidths=[LABEL_WIDTH, CONTENT_WIDTH - LABEL_WIDTH],
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONTNAME", (0, 0), (-1, -1), st.fonts.regular),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
            ]
        )
    )
    return table


def closing(issued_on: date, st: Styles, verify_url: str | None = None) -> Table:
    """The date of issue on the left; on the right, where a signature would be, the e-seal;
    with ``verify_url``, the public verification page (RULES §14) as a QR code between them
    and as printed text under the date."""
    lv, en = wording.ISSUED_ON
    seal_lv, seal_en = wording.SEAL_BLOCK
    issued: Any = st.bilingual((f"{lv}: {wording.format_date(issued_on)}", en), st.value)
    seal = st.bilingual_markup(
        f'<font name="{st.fonts.bold}">{text(wording.ISSUER[0])}</font><br/>'
        f"{text(seal_lv)}",
        seal_en,
        st.label_right,
    )
    style = [
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("FONTNAME", (0, 0), (-1, -1), st.fonts.regular),
        ("LEFTPADDING", (0, 0), (0, -1), 0),
        ("RIGHTPADDING", (-1, 0), (-1, 0), 0),
        ("LINEABOVE", (-1, 0), (-1, 0), 0.6, INK),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
    ]
    if verify_url is None:
        table = Table([[issued, seal]], colWidths=[CONTENT_WIDTH - SEAL_WIDTH, SEAL_WIDTH])
    else:  # the QR code beside the date; under both, the address it holds, printed
        verify_lv, verify_en = wording.VERIFY
        address = Paragraph(f"{text(verify_lv)} / {text(verify_en)}: {text(verify_url)}",
                            st.footer)
        qr_column = QR_SIZE + 6 * mm
        table = Table([[issued, qr_drawing(verify_url), seal], [address, "", ""]],
                      colWidths=[CONTENT_WIDTH - SEAL_WIDTH - qr_column, qr_column, SEAL_WIDTH])
        style += [("SPAN", (0, 1), (-1, 1)), ("TOPPADDING", (0, 1), (-1, 1), 2)]
    table.setStyle(TableStyle(style))
    return table


def qr_drawing(url: str, size: float = QR_SIZE) -> Drawing:
    """``url``'s QR code (segno's modules) drawn as black squares, ``size`` points wide."""
    modules = qr.matrix(url)
    step = size / len(modules)
    drawing = Drawing(size, size)
    for y, row in enumerate(modules):
        for x, dark in enumerate(row):
            if dark:
                drawing.add(Rect(x * step, size - (y + 1) * step, step, step,
                                 fillColor=colors.black, strokeColor=None, strokeWidth=0))
    return drawing


def build(story: list[Flowable], st: Styles, *, title: str, number: str) -> bytes:
    """Lay ``story`` out on A4 pages with frame and footer; return the PDF bytes."""
    out = io.BytesIO()
    doc = BaseDocTemplate(
        out,
        pagesize=A4,
        leftMargin=SIDE_MARGIN,
        rightMargin=SIDE_MARGIN,
        topMargin=TOP_MARGIN,
        bottomMargin=BOTTOM_MARGIN,
        title=title,
        author="VISC",
        subject=f"{title} Nr. {number}",
        creator="VPIS",
        lang="lv",
        invariant=1,
        # Without it reportlab starts each page in Helvetica, a font the PDF would reference
        # but not embed.
        initialFontName=st.fonts.regular,
    )

    def decorate(canvas: Canvas, _doc: BaseDocTemplate) -> None:
        _frame_and_footer(canvas, st, number)

    frame = Frame(
        SIDE_MARGIN,
        BOTTOM_MARGIN,
        PAGE_WIDTH - 2 * SIDE_MARGIN,
        PAGE_HEIGHT - TOP_MARGIN - BOTTOM_MARGIN,
        leftPadding=FRAME_PADDING,
        rightPadding=FRAME_PADDING,
        topPadding=FRAME_PADDING,
        bottomPadding=FRAME_PADDING,
    )
    # Decorated at the end of each page, so that the footer follows the body in reading order.
    doc.addPageTemplates([PageTemplate("page", [frame], onPageEnd=decorate)])
    with _build_lock:
        doc.build(story)
    return out.getvalue()


def _frame_and_footer(canvas: Canvas, st: Styles, number: str) -> None:
    canvas.saveState()
    canvas.setStrokeColor(INK)
    canvas.setLineWidth(1.2)
    canvas.rect(10 * mm, 10 * mm, PAGE_WIDTH - 20 * mm, PAGE_HEIGHT - 20 * mm)
    canvas.setLineWidth(0.4)
    canvas.rect(12 * mm, 12 * mm, PAGE_WIDTH - 24 * mm, PAGE_HEIGHT - 24 * mm)

    # Anchored at the bottom, so that a longer footer grows towards the text, never into the
    # frame; drawn top-down, so that it reads in order.
    reference = f"{wording.ISSUER_CONTACT} · Nr. {number} · {canvas.getPageNumber()}. lpp."
    lines = [Paragraph(text(line), st.footer) for line in (*wording.SEAL_NOTICE, reference)]
    heights = [para.wrap(CONTENT_WIDTH, BOTTOM_MARGIN)[1] for para in lines]
    gap = 1 * mm
    y = FOOTER_BOTTOM + sum(heights) + gap * len(lines)
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.6)
    canvas.line(CONTENT_LEFT, y, PAGE_WIDTH - CONTENT_LEFT, y)
    for para, height in zip(lines, heights, strict=True):
        y -= height + gap
        para.drawOn(canvas, CONTENT_LEFT, y)
    canvas.restoreState()
