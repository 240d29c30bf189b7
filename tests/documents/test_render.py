"""Certificates and language documents as PDF: content, fonts, determinism (RULES §4 EP226, §6)."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from gateway.documents.fonts import DEFAULT_FONT_DIR, FontSet
from gateway.documents.model import Institution, LanguageDocumentData, Part
from gateway.documents.render import render_certificate, render_language_document
from gateway.errors import ConfigurationError
from tests.documents import samples
from tests.documents.pdftext import document_info, extract_text, extract_text_pure

REPO = Path(__file__).resolve().parents[2]


def flat(text: str) -> str:
    """Text with every run of whitespace made one space: wrapped lines read as one."""
    return " ".join(text.split())


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b", pdf))


@pytest.fixture(scope="module")
def certificate_pdf() -> bytes:
    return render_certificate(samples.anna_certificate())


@pytest.fixture(scope="module")
def certificate_text(certificate_pdf: bytes) -> str:
    return flat(extract_text(certificate_pdf))


def test_a_certificate_is_a_one_page_pdf(certificate_pdf: bytes) -> None:
    assert certificate_pdf.startswith(b"%PDF-")
    assert certificate_pdf.rstrip().endswith(b"%%EOF")
    assert page_count(certificate_pdf) == 1
    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in certificate_pdf  # A4 in points


@pytest.mark.parametrize(
    "expected",
    [
        "Valsts izglītības satura centrs",
        "National Centre for Education of the Republic of Latvia",
        "CENTRALIZĒTĀ EKSĀMENA SERTIFIKĀTS",
        "Nr. 2024/301949081206-FRA09",
        "Anna Bērziņa",
        "010108-21238",
        "Eksāmens franču valodā 9. klasei (FRA09)",
        "2023./2024.",
        "2024-P",
        "pamatizglītība",
        "Cesvaines vidusskola (4413900133)",
        "Klausīšanās 90,00%",
        "Lasīšana 95,00%",
        "Rakstīšana 100,00%",
        "Runāšana 80,00%",
        "Kopējais vērtējums",
        "81,00%",
        "Valodas prasmes līmenis (CEFR): B2",
        "Izsniegšanas datums: 01.07.2024",
        "Dokuments ir parakstīts ar drošu elektronisko zīmogu",
    ],
)
def test_the_certificate_says(certificate_text: str, expected: str) -> None:
    assert expected in certificate_text


def test_parts_are_printed_in_their_official_order(certificate_text: str) -> None:
    positions = [certificate_text.index(p.name) for p in samples.anna_certificate().parts]
    assert positions == sorted(positions)


def test_no_cefr_line_no_school_and_no_parts_when_the_exam_has_none() -> None:
    text = flat(extract_text(render_certificate(samples.biology_certificate())))
    assert "Centralizētais eksāmens bioloģijā (BIO)" in text
    assert "Ēriks Kļaviņš" in text
    assert "vispārējā vidējā izglītība" in text
    assert "Kopējais vērtējums" in text
    assert "67,50%" in text
    assert "CEFR" not in text
    assert "Izglītības iestāde" not in text


def test_every_latvian_letter_prints_in_capitals_and_small() -> None:
    letters = "ĀČĒĢĪĶĻŅŠŪŽ"
    data = replace(samples.anna_certificate(), given_name=letters, family_name=letters.lower())
    assert f"{letters} {letters.lower()}" in flat(extract_text(render_certificate(data)))


def test_the_font_is_embedded_and_no_other_font_is_used(certificate_pdf: bytes) -> None:
    assert b"/FontFile2" in certificate_pdf
    assert b"+DejaVuSans" in certificate_pdf
    assert b"+DejaVuSans-Bold" in certificate_pdf
    # A font reportlab would name but not embed (Helvetica) prints differently everywhere.
    fonts = re.findall(rb"/BaseFont /([^\s/]+)", certificate_pdf)
    assert fonts and all(re.fullmatch(rb"[A-Z]{6}\+DejaVuSans(-Bold)?", f) for f in fonts)


def test_metadata_names_the_document_not_the_person(certificate_pdf: bytes) -> None:
    info = document_info(certificate_pdf)
    assert info["Title"] == "Centralizētā eksāmena sertifikāts"
    assert info["Author"] == "VISC"
    assert "2024/301949081206-FRA09" in info["Subject"]
    assert not any("Bērziņa" in value or "010108" in value for value in info.values())
    assert b"/Lang (lv)" in certificate_pdf


def test_rendering_twice_gives_the_same_bytes(certificate_pdf: bytes) -> None:
    render_language_document(samples.language_decision())  # other documents in between
    assert render_certificate(samples.anna_certificate()) == certificate_pdf
    assert b"/CreationDate (D:20000101000000+00'00')" in certificate_pdf  # invariant mode


def test_another_process_gives_the_same_bytes(certificate_pdf: bytes) -> None:
    code = (
        "import hashlib, sys\n"
        "from gateway.documents.render import render_certificate, render_language_document\n"
        "from tests.documents import samples\n"
        "render_language_document(samples.language_statement())\n"
        "pdf = render_certificate(samples.anna_certificate())\n"
        "sys.stdout.write(hashlib.sha256(pdf).hexdigest())\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONHASHSEED": "12345"}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, check=True
    )
    assert done.stdout.decode() == hashlib.sha256(certificate_pdf).hexdigest()


def test_different_data_give_different_bytes(certificate_pdf: bytes) -> None:
    other = replace(samples.anna_certificate(), total_percent=80.0)
    assert render_certificate(other) != certificate_pdf


@pytest.mark.parametrize(
    ("data", "expected", "absent"),
    [
        (
            samples.language_decision(),
            [
                "LĒMUMS par valsts valodas prasmes līmeni",
                "Decision on the level of state language proficiency",
                "Nr. 2023/VVPP-000325",
                "Ieva Āboliņa",
                "Valsts valodas prasmes līmenis",
                "C1",
                "nolemj noteikt personai valsts valodas prasmes C1 līmeni",
                "Izsniegšanas datums: 23.04.2023",
            ],
            "IZZIŅA",
        ),
        (
            samples.language_statement(),
            [
                "IZZIŅA par valsts valodas prasmes pārbaudes rezultātiem",
                "Statement on the results of the state language proficiency test",
                "Nr. 2024/VVPP-000121",
                "Dārta Ozola",
                "010164-14975",
                "B1",
                "Izsniegšanas datums: 14.03.2024",
                "Dokuments ir parakstīts ar drošu elektronisko zīmogu",
            ],
            "LĒMUMS",
        ),
    ],
    ids=["decision", "statement"],
)
def test_language_documents(data: LanguageDocumentData, expected: list[str], absent: str) -> None:
    pdf = render_language_document(data)
    assert pdf.startswith(b"%PDF-")
    assert page_count(pdf) == 1
    assert render_language_document(data) == pdf
    text = flat(extract_text(pdf))
    for line in expected:
        assert line in text
    assert absent not in text
    assert "CENTRALIZĒTĀ" not in text


def test_a_language_document_prints_its_own_text_and_no_level_when_it_has_none() -> None:
    data = replace(
        samples.language_statement(),
        level=None,
        text='Pirmā rindkopa ar <b> & "zīmēm".\n\nOtrā rindkopa.\nJauna rinda.',
    )
    text = flat(extract_text(render_language_document(data)))
    assert 'Pirmā rindkopa ar <b> & "zīmēm".' in text
    assert "Otrā rindkopa. Jauna rinda." in text
    assert "Valsts valodas prasmes līmenis" not in text
    assert "apliecina" not in text  # the standard wording gives way to the document's own


def test_markup_in_data_is_printed_not_interpreted() -> None:
    data = replace(samples.anna_certificate(), family_name="<font size=90>Ozols & Co</font>")
    text = flat(extract_text(render_certificate(data)))
    assert "<font size=90>Ozols & Co</font>" in text


def test_realistic_long_names_still_fit_on_one_page() -> None:
    data = replace(
        samples.anna_certificate(),
        given_name="Anastasija Aleksandra",
        family_name="Kuzņecova-Vītoliņa-Bērziņa",
        exam_name="Centralizētais eksāmens Latvijas un pasaules vēsturē",
        institution=Institution(
            "Rīgas Valsts tehnikuma Profesionālās izglītības kompetences centra "
            "vispārējās vidējās izglītības programma",
            "3013900034",
        ),
    )
    pdf = render_certificate(data)
    assert page_count(pdf) == 1
    assert "Anastasija Aleksandra Kuzņecova-Vītoliņa-Bērziņa" in flat(extract_text(pdf))


def test_absurdly_long_names_wrap_and_nothing_is_lost() -> None:
    long_exam = "Centralizētais eksāmens Latvijas un pasaules vēsturē " * 6
    long_family = "Bērziņa-Kalniņa-Ozoliņa-Liepiņa-Vītoliņa-Krūmiņa-Zariņa-Eglīte"
    unbreakable = "Ā" * 120  # wider than the column: broken inside the word
    data = replace(
        samples.anna_certificate(),
        given_name=unbreakable,
        family_name=long_family,
        exam_name=long_exam.strip(),
        institution=Institution(long_exam, "4413900133"),
    )
    pdf = render_certificate(data)
    assert page_count(pdf) <= 2
    squeezed = "".join(extract_text(pdf).split())
    assert unbreakable in squeezed
    assert long_family in squeezed
    assert "".join(long_exam.split()) in squeezed
    assert "81,00%" in squeezed


def test_many_parts_flow_onto_further_pages_each_with_its_footer() -> None:
    parts = tuple(Part(f"{n}. daļa", 50.0 + n) for n in range(1, 41))
    pdf = render_certificate(replace(samples.anna_certificate(), parts=parts))
    pages = page_count(pdf)
    assert pages >= 2
    text = flat(extract_text(pdf))
    assert "40. daļa 90,00%" in text
    assert all(f"{n}. lpp." in text for n in range(1, pages + 1))
    assert text.count("Dokuments ir parakstīts ar drošu elektronisko zīmogu") == pages
    assert text.count("Eksāmena daļa") == pages  # the table's header repeats


def test_the_font_directory_is_a_parameter(tmp_path: Path) -> None:
    for name in ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf"):
        shutil.copy(DEFAULT_FONT_DIR / name, tmp_path / name)
    fonts = FontSet(directory=tmp_path, regular="DejaVuSerif.ttf", bold="DejaVuSerif-Bold.ttf")
    pdf = render_certificate(samples.anna_certificate(), fonts)
    assert b"+DejaVuSerif" in pdf
    assert b"+DejaVuSans" not in pdf
    assert "Anna Bērziņa" in flat(extract_text(pdf))


def test_missing_fonts_are_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError) as caught:
        render_certificate(samples.anna_certificate(), FontSet(directory=tmp_path))
    assert caught.value.attrs["path"] == str(tmp_path / "DejaVuSans.ttf")
    assert "fonts-dejavu-core" in str(caught.value)
    with pytest.raises(ConfigurationError):
        render_language_document(samples.language_statement(), FontSet(directory=tmp_path))


def test_a_file_that_is_no_font_is_a_configuration_error(tmp_path: Path) -> None:
    (tmp_path / "DejaVuSans.ttf").write_bytes(b"not a font at all")
    (tmp_path / "DejaVuSans-Bold.ttf").write_bytes(b"")
    with pytest.raises(ConfigurationError):
        render_certificate(samples.anna_certificate(), FontSet(directory=tmp_path))


def test_a_failed_font_set_works_once_the_fonts_are_installed(tmp_path: Path) -> None:
    fonts = FontSet(directory=tmp_path)
    with pytest.raises(ConfigurationError):
        render_certificate(samples.anna_certificate(), fonts)
    for name in (fonts.regular, fonts.bold):
        shutil.copy(DEFAULT_FONT_DIR / name, tmp_path / name)
    assert render_certificate(samples.anna_certificate(), fonts).startswith(b"%PDF-")


def test_the_pure_python_reader_reads_what_poppler_reads(certificate_pdf: bytes) -> None:
    """The fallback used where pdftotext is missing must not rot where it is installed."""
    pure = flat(extract_text_pure(certificate_pdf))
    for expected in ("Anna Bērziņa", "Klausīšanās", "90,00%", "Valodas prasmes līmenis (CEFR): B2"):
        assert expected in pure
    if shutil.which("pdftotext"):
        assert set(pure.split()) == set(flat(extract_text(certificate_pdf)).split())
