"""What is printed on a certificate or a language-proficiency document.

Plain frozen values, independent of the database and of SOAP: the service layer builds them from
the store, :mod:`gateway.documents.render` turns them into PDF. The checks here catch
programming mistakes (a personal code in the wrong form, a percentage out of range) before they
reach a sealed document; they raise :class:`ValueError`, not a gateway error, because no
citizen's input arrives here unchecked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal, NamedTuple

from gateway.domain.documents import LANGUAGE_KINDS, DocumentKind

Level = Literal["basic", "secondary"]
"""Level of education of an exam session: basic (9th grade) or general secondary."""


CEFR_LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2")
"""Levels of the Common European Framework of Reference for Languages."""

_DISPLAYED_CODE = re.compile(r"[0-9]{6}-[0-9]{5}", re.ASCII)
_SCHOOL_YEAR = re.compile(r"([0-9]{4})/([0-9]{4})", re.ASCII)


class Part(NamedTuple):
    """One part of an exam and the percentage the student reached in it."""

    name: str
    percent: float


@dataclass(frozen=True, slots=True)
class Institution:
    """The school where the student took the exam."""

    name: str
    code: str  # registration number in the register of educational institutions


@dataclass(frozen=True, slots=True)
class CertificateData:
    """Everything printed on a certificate of a centralized exam (CE)."""

    number: str
    """Document number, e.g. ``2024/301949081206-FRA09``."""
    issued_on: date
    """Date of issue; the appeal period runs from it (RULES §8)."""
    title: str
    """Title of the document as listed by EP226; also the PDF title."""
    given_name: str
    family_name: str
    personal_code: str
    """As displayed: ``DDMMYY-CNNNX``."""
    exam_code: str
    """E.g. ``FRA09``."""
    exam_name: str
    """E.g. ``Eksāmens franču valodā 9. klasei``."""
    school_year: str
    """E.g. ``2023/2024``."""
    session_code: str
    """E.g. ``2024-P``."""
    level: Level
    total_percent: float
    parts: tuple[Part, ...] = ()
    """The exam's parts in their official order; empty for an exam without parts."""
    cefr_level: str | None = None
    verify_url: str | None = None
    """The public verification page with this certificate's number (RULES §14), printed
    with its QR code; none on certificates sealed before it was printed."""
    """``A1`` … ``C2`` for a language exam that grades one, otherwise ``None``."""
    institution: Institution | None = None

    def __post_init__(self) -> None:
        _check_common(self.number, self.given_name, self.family_name, self.personal_code)
        match = _SCHOOL_YEAR.fullmatch(self.school_year)
        if match is None or int(match[2]) != int(match[1]) + 1:
            raise ValueError(f"school year must be like 2023/2024, got {self.school_year!r}")
        if self.level not in ("basic", "secondary"):
            raise ValueError(f"level must be 'basic' or 'secondary', got {self.level!r}")
        _check_percent("total", self.total_percent)
        for part in self.parts:
            _check_percent(part.name, part.percent)
        if self.cefr_level is not None and self.cefr_level not in CEFR_LEVELS:
            raise ValueError(f"unknown CEFR level {self.cefr_level!r}")

    @property
    def full_name(self) -> str:
        """Given name and family name, as printed."""
        return f"{self.given_name} {self.family_name}"


@dataclass(frozen=True, slots=True)
class LanguageDocumentData:
    """A decision on, or a statement of, a person's state-language proficiency."""

    number: str
    """Document number, e.g. ``2024/VVPP-000121``."""
    kind: DocumentKind
    issued_on: date
    title: str
    """Title of the document as listed by EP226; also the PDF title."""
    given_name: str
    family_name: str
    personal_code: str
    """As displayed: ``DDMMYY-CNNNX``."""
    level: str | None = None
    """The proficiency level established (``A1`` … ``C2``), where the document states one."""
    text: str | None = None
    """The body of the document; a standard wording for its kind when ``None``."""

    def __post_init__(self) -> None:
        _check_common(self.number, self.given_name, self.family_name, self.personal_code)
        if self.kind not in LANGUAGE_KINDS:
            raise ValueError(f"unknown language document kind {self.kind!r}")
        if self.level is not None and self.level not in CEFR_LEVELS:
            raise ValueError(f"unknown proficiency level {self.level!r}")

    @property
    def full_name(self) -> str:
        """Given name and family name, as printed."""
        return f"{self.given_name} {self.family_name}"


def _check_common(number: str, given_name: str, family_name: str, personal_code: str) -> None:
    if not number.strip():
        raise ValueError("document number is empty")
    if not given_name.strip() or not family_name.strip():
        raise ValueError("given name and family name must not be empty")
    if _DISPLAYED_CODE.fullmatch(personal_code) is None:
        raise ValueError("personal code must be displayed as DDMMYY-CNNNX")


def _check_percent(what: str, value: float) -> None:
    if not 0.0 <= value <= 100.0:  # also refuses NaN
        raise ValueError(f"percentage of {what!r} out of range: {value!r}")
