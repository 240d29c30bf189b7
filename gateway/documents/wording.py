"""The fixed wording of the documents and the Latvian way of writing numbers and dates.

Latvian writes a decimal comma (``90,00%``), dates as ``DD.MM.YYYY`` and a school year as
``2023./2024.`` (ordinal years, as on eksameni.gov.lv). Every heading is Latvian with a small
English subtitle, kept here as (Latvian, English) pairs.
"""

from __future__ import annotations

from datetime import date

from gateway.documents.model import LanguageDocumentData, Level
from gateway.domain.documents import DocumentKind

Bilingual = tuple[str, str]
"""A Latvian text and its English subtitle."""

ISSUER: Bilingual = (
    "Valsts izglītības satura centrs",
    "National Centre for Education of the Republic of Latvia",
)
ISSUER_CONTACT = "atbalsts@visc.gov.lv · 66051908"

CERTIFICATE_TITLE: Bilingual = (
    "CENTRALIZĒTĀ EKSĀMENA SERTIFIKĀTS",
    "Certificate of centralized examination",
)
LANGUAGE_TITLES: dict[DocumentKind, tuple[str, str, str]] = {
    DocumentKind.LANGUAGE_DECISION: (
        "LĒMUMS",
        "par valsts valodas prasmes līmeni",
        "Decision on the level of state language proficiency",
    ),
    DocumentKind.LANGUAGE_STATEMENT: (
        "IZZIŅA",
        "par valsts valodas prasmes pārbaudes rezultātiem",
        "Statement on the results of the state language proficiency test",
    ),
}

NUMBER: Bilingual = ("Nr.", "No.")
VERIFY: Bilingual = ("Pārbaude ar turētāja kodu", "Verify with the holder's code")
NAME: Bilingual = ("Vārds, uzvārds", "Name, surname")
PERSONAL_CODE: Bilingual = ("Personas kods", "Personal code")
EXAM: Bilingual = ("Eksāmens", "Examination")
SCHOOL_YEAR: Bilingual = ("Mācību gads", "School year")
SESSION: Bilingual = ("Eksāmenu sesija", "Examination session")
LEVEL: Bilingual = ("Izglītības pakāpe", "Level of education")
INSTITUTION: Bilingual = ("Izglītības iestāde", "Educational institution")
PART: Bilingual = ("Eksāmena daļa", "Part of the examination")
RESULT: Bilingual = ("Rezultāts", "Result")
TOTAL: Bilingual = ("Kopējais vērtējums", "Total score")
CEFR: Bilingual = (
    "Valodas prasmes līmenis (CEFR)",
    "Language proficiency level (Common European Framework of Reference)",
)
STATE_LANGUAGE_LEVEL: Bilingual = (
    "Valsts valodas prasmes līmenis",
    "Level of state language proficiency",
)
ISSUED_ON: Bilingual = ("Izsniegšanas datums", "Date of issue")

LEVELS: dict[Level, Bilingual] = {
    "basic": ("pamatizglītība", "basic education"),
    "secondary": ("vispārējā vidējā izglītība", "general secondary education"),
}

SEAL_BLOCK: Bilingual = ("drošs elektroniskais zīmogs", "secure electronic seal")

SEAL_NOTICE: Bilingual = (
    "Dokuments ir parakstīts ar drošu elektronisko zīmogu. Tas ir derīgs bez paraksta "
    "un zīmoga nospieduma. Valsts izglītības satura centrs.",
    "This e-document is sealed with the secure electronic seal of the National Centre for "
    "Education (VISC) and is valid without a handwritten signature or stamp.",
)


def format_percent(value: float) -> str:
    """``90.0`` → ``90,00%``: two decimals, decimal comma, no space before the sign."""
    return f"{value:.2f}".replace(".", ",") + "%"


def format_date(day: date) -> str:
    """``date(2024, 7, 1)`` → ``01.07.2024``."""
    return day.strftime("%d.%m.%Y")


def format_school_year(school_year: str) -> str:
    """``2023/2024`` → ``2023./2024.``, as eksameni.gov.lv writes it."""
    first, second = school_year.split("/")
    return f"{first}./{second}."


def language_body(data: LanguageDocumentData) -> str:
    """The body of a language document: its own text, or the standard wording for its kind."""
    if data.text is not None:
        return data.text
    if data.kind == DocumentKind.LANGUAGE_DECISION:
        if data.level is None:
            return "Valsts izglītības satura centrs ir izvērtējis personas valsts valodas prasmi."
        return (
            "Valsts izglītības satura centrs, izvērtējot valsts valodas prasmes pārbaudes "
            f"rezultātus, nolemj noteikt personai valsts valodas prasmes {data.level} līmeni."
        )
    return (
        "Valsts izglītības satura centrs apliecina, ka persona ir kārtojusi valsts valodas "
        "prasmes pārbaudi. Izziņa izsniegta iesniegšanai pēc pieprasījuma."
    )
