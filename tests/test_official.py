"""The contract comparisons skip on a fresh clone and say what to provide, but never in CI."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import official


def test_without_the_schemas_the_comparison_skips_naming_the_files(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("GATEWAY_XROAD_SCHEMAS", str(tmp_path))
    with pytest.raises(pytest.skip.Exception) as skipped:
        official.require_official_xroad()
    reason = str(skipped.value)
    assert str(tmp_path) in reason
    for name in ("xroad.xsd", "identifiers.xsd", "xml.xsd", "GATEWAY_XROAD_SCHEMAS"):
        assert name in reason


def test_in_ci_missing_schemas_fail_instead_of_skipping(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv("GATEWAY_XROAD_SCHEMAS", str(tmp_path))
    (tmp_path / "xroad.xsd").write_text("<x/>", encoding="utf-8")
    with pytest.raises(pytest.fail.Exception, match=r"CI is set.*missing: identifiers\.xsd"):
        official.require_official_xroad()


def test_with_the_schemas_present_the_directory_is_used(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("GATEWAY_XROAD_SCHEMAS", str(tmp_path))
    for name in official.REQUIRED_FILES:
        (tmp_path / name).write_text("<x/>", encoding="utf-8")
    assert official.require_official_xroad() == tmp_path


def test_by_default_the_schemas_are_looked_for_beside_the_clone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("GATEWAY_XROAD_SCHEMAS", raising=False)
    assert official.official_xroad_dir() == official.REPO.parent / "shared" / "reference" / "xroad"


def test_ci_runs_the_comparisons() -> None:
    ci = (official.REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "export CI=" in ci
