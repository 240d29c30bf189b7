"""Certificates and language-proficiency documents as A4 PDF.

The PDF is what VISC seals into the ASiC-E e-document of EP226 (RULES §4, §6): Latvian text with
small English subtitles, DejaVu Sans embedded so every Latvian letter prints, and the same bytes
for the same data (``invariant`` mode: no creation date, no random ID).
"""

from __future__ import annotations

from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.platypus import (  # type: ignore[import-untyped]
    Flowable,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from gateway.documents import wording
from gateway.documents.fonts import FontSet
from gateway.documents.layout import (
    CONTENT_WIDTH,
    INK,
    RULE,
    SHADE,
    Styles,
    build,
    closing,
    details,
    header,
    styles_for,
    text,
)
from gateway.documents.model import CertificateData, LanguageDocumentData

__all__ = ["render_certificate", "render_language_document"]

_DEFAULT_FONTS = FontSet()
_RESULT_WIDTH = 42 * mm


def render_certificate(data: CertificateData, fonts: FontSet = _DEFAULT_FONTS) -> bytes:
    """Render the certificate of a centralized exam as an A4 PDF (one page for any real exam).

    Raises :class:`~gateway.errors.ConfigurationError` when ``fonts`` cannot be loaded.
    """
    st = styles_for(fonts)
    title_lv, title_en = wording.CERTIFICATE_TITLE
    exam = f"{text(data.exam_name)} ({text(data.exam_code)})"
    level_lv, level_en = wording.LEVELS[data.level]
    rows: list[tuple[wording.Bilingual, Paragraph]] = [
        (wording.NAME, Paragraph(text(data.full_name), st.strong)),
        (wording.PERSONAL_CODE, Paragraph(text(data.personal_code), st.value)),
        (wording.EXAM, Paragraph(exam, st.value)),
        (wording.SCHOOL_YEAR, Paragraph(wording.format_school_year(data.school_year), st.value)),
        (wording.SESSION, Paragraph(text(data.session_code), st.value)),
        (wording.LEVEL, st.bilingual((level_lv, level_en), st.value, en_size=7.5)),
    ]
    if data.institution is not None:
        school = f"{text(data.institution.name)} ({text(data.institution.code)})"
        rows.append((wording.INSTITUTION, Paragraph(school, st.value)))

    story: list[Flowable] = [
        *header(st),
        Paragraph(text(title_lv), st.title),
        Paragraph(text(title_en), st.small_center),
        Spacer(1, 3 * mm),
        Paragraph(f"{wording.NUMBER[0]} {text(data.number)}", st.number),
        Spacer(1, 6 * mm),
        details(rows, st),
        Spacer(1, 6 * mm),
        _results(data, st),
    ]
    if data.cefr_level is not None:
        story += [Spacer(1, 5 * mm), _cefr(data.cefr_level, st)]
    gap = 7 * mm if data.verify_url is None else 4 * mm  # the QR code's row needs the room
    story += [Spacer(1, gap), closing(data.issued_on, st, data.verify_url)]
    return build(story, st, title=data.title, number=data.number)


def render_language_document(data: LanguageDocumentData, fonts: FontSet = _DEFAULT_FONTS) -> bytes:
    """Render a state-language-proficiency decision or statement as an A4 PDF.

    Raises :class:`~gateway.errors.ConfigurationError` when ``fonts`` cannot be loaded.
    """
    st = styles_for(fonts)
    word, about, english = wording.LANGUAGE_TITLES[data.kind]
    rows: list[tuple[wording.Bilingual, Paragraph]] = [
        (wording.NAME, Paragraph(text(data.full_name), st.strong)),
        (wording.PERSONAL_CODE, Paragraph(text(data.personal_code), st.value)),
    ]
    if data.level is not None:
        rows.append((wording.STATE_LANGUAGE_LEVEL, Paragraph(text(data.level), st.strong)))
    story: list[Flowable] = [
        *header(st),
        Paragraph(text(word), st.title),
        Paragraph(text(about), st.title_line),
        Paragraph(text(english), st.small_center),
        Spacer(1, 3 * mm),
        Paragraph(f"{wording.NUMBER[0]} {text(data.number)}", st.number),
        Spacer(1, 6 * mm),
        details(rows, st),
        Spacer(1, 8 * mm),
    ]
    for paragraph in wording.language_body(data).split("\n\n"):
        story += [Paragraph(text(paragraph).replace("\n", "<br/>"), st.body), Spacer(1, 3 * mm)]
    story += [Spacer(1, 10 * mm), closing(data.issued_on, st)]
    return build(story, st, title=data.title, number=data.number)


def _results(data: CertificateData, st: Styles) -> Table:
    """The parts with their percentages, then the total, in a ruled table."""
    rows: list[list[Flowable]] = [
        [st.bilingual(wording.PART, st.label), st.bilingual(wording.RESULT, st.label_right)]
    ]
    for part in data.parts:
        rows.append(
            [
                Paragraph(text(part.name), st.value),
                Paragraph(wording.format_percent(part.percent), st.value_right),
            ]
        )
    rows.append(
        [
            st.bilingual(wording.TOTAL, st.strong, en_size=7.5),
            Paragraph(wording.format_percent(data.total_percent), st.strong_right),
        ]
    )
    table = Table(rows, colWidths=[CONTENT_WIDTH - _RESULT_WIDTH, _RESULT_WIDTH], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("FONTNAME", (0, 0), (-1, -1), st.fonts.regular),
                ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
                ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                ("LINEBELOW", (0, 0), (-1, -2), 0.4, RULE),
                ("LINEABOVE", (0, -1), (-1, -1), 1.0, INK),
                ("BOX", (0, 0), (-1, -1), 0.6, INK),
            ]
        )
    )
    return table


def _cefr(level: str, st: Styles) -> Paragraph:
    lv, en = wording.CEFR
    markup = f'{text(lv)}: <font name="{st.fonts.bold}">{text(level)}</font>'
    return st.bilingual_markup(markup, en, st.value)
