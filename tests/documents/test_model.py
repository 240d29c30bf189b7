"""What may be printed: the checks that keep a malformed value off a sealed document."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, replace
from typing import Any

import pytest

from gateway.documents.model import Part
from tests.documents import samples


def test_documents_are_frozen() -> None:
    data = samples.anna_certificate()
    with pytest.raises(FrozenInstanceError):
        data.total_percent = 100.0  # type: ignore[misc]
    assert data.full_name == "Anna Bērziņa"
    assert samples.language_statement().full_name == "Dārta Ozola"


@pytest.mark.parametrize(
    "change",
    [
        {"personal_code": "01010821238"},  # not as displayed
        {"personal_code": "010108-2123"},
        {"personal_code": "０１０１０８-21238"},  # other digit scripts
        {"school_year": "2023/2025"},
        {"school_year": "2023-2024"},
        {"level": "higher"},
        {"total_percent": 100.5},
        {"total_percent": -1.0},
        {"total_percent": float("nan")},
        {"parts": (Part("Lasīšana", 101.0),)},
        {"cefr_level": "B3"},
        {"number": " "},
        {"given_name": ""},
    ],
)
def test_a_malformed_certificate_is_refused(change: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        replace(samples.anna_certificate(), **change)


@pytest.mark.parametrize(
    "change",
    [
        {"kind": "ce_certificate"},
        {"level": "D1"},
        {"personal_code": "010164 14975"},
        {"family_name": " "},
    ],
)
def test_a_malformed_language_document_is_refused(change: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        replace(samples.language_statement(), **change)


def test_bounds_are_allowed() -> None:
    data = replace(samples.anna_certificate(), total_percent=0.0, parts=(Part("A", 100.0),))
    assert data.parts[0].percent == 100.0
    assert replace(samples.language_decision(), level=None, text=None).level is None
