"""Documents from the demo data (``gateway/demo/data/demo.json``), for tests and examples."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from gateway.documents.model import CertificateData, Institution, LanguageDocumentData, Part


def anna_certificate() -> CertificateData:
    """Anna Bērziņa's French exam of 2024, as in RULES §9."""
    return CertificateData(
        number="2024/301949081206-FRA09",
        issued_on=date(2024, 7, 1),
        title="Centralizētā eksāmena sertifikāts",
        given_name="Anna",
        family_name="Bērziņa",
        personal_code="010108-21238",
        exam_code="FRA09",
        exam_name="Eksāmens franču valodā 9. klasei",
        school_year="2023/2024",
        session_code="2024-P",
        level="basic",
        total_percent=81.0,
        parts=(
            Part("Klausīšanās", 90.0),
            Part("Lasīšana", 95.0),
            Part("Rakstīšana", 100.0),
            Part("Runāšana", 80.0),
        ),
        cefr_level="B2",
        institution=Institution("Cesvaines vidusskola", "4413900133"),
    )


def biology_certificate() -> CertificateData:
    """A secondary exam without parts, without a CEFR level and without a school."""
    return replace(
        anna_certificate(),
        number="2024/106960594439-BIO",
        issued_on=date(2024, 7, 11),
        given_name="Ēriks",
        family_name="Kļaviņš",
        personal_code="010179-11869",
        exam_code="BIO",
        exam_name="Centralizētais eksāmens bioloģijā",
        session_code="2024-V",
        level="secondary",
        total_percent=67.5,
        parts=(),
        cefr_level=None,
        institution=None,
    )


def language_statement() -> LanguageDocumentData:
    """A statement on the results of the state language proficiency test."""
    return LanguageDocumentData(
        number="2024/VVPP-000121",
        kind="language_statement",
        issued_on=date(2024, 3, 14),
        title="Izziņa par valsts valodas prasmes pārbaudes rezultātiem",
        given_name="Dārta",
        family_name="Ozola",
        personal_code="010164-14975",
        level="B1",
    )


def language_decision() -> LanguageDocumentData:
    """A decision on the level of state language proficiency."""
    return LanguageDocumentData(
        number="2023/VVPP-000325",
        kind="language_decision",
        issued_on=date(2023, 4, 23),
        title="Lēmums par valsts valodas prasmes līmeni",
        given_name="Ieva",
        family_name="Āboliņa",
        personal_code="010196-19280",
        level="C1",
    )
