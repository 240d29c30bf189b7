"""The gateway as an operator installs it: not editable, in a fresh virtual environment.

Builds the sdist and, from it, the wheel (``python -m build``), installs the locked run-time
dependencies (``requirements.lock``, with hashes) and the wheel into a new venv without the
system's site-packages, and from a directory outside the checkout runs ``gateway init``,
``gateway import`` of the demo file, the register simulator and ``gateway serve``; fetches
``?wsdl`` and every ``?xsd=`` it imports, and asks one signed question. Nothing of the
checkout is on the path: the contracts must come from the installed package.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from gateway.demo import DEMO_CLOCK_START
from gateway.settings import DEMO_PORTAL
from tests.stand import REPO, free_port, wait_for

pytestmark = pytest.mark.slow

CONTRACTS = ("wsdl/vpis.wsdl", "wsdl/pmlp-representation.wsdl", "schemas/vpis.xsd",
             "schemas/xroad-headers.xsd", "schemas/xroad-identifiers.xsd",
             "schemas/pmlp-representation.xsd", "schemas/import.schema.json")
XSD = "{http://www.w3.org/2001/XMLSchema}"


def run(args: list[str | Path], *, cwd: Path, env: dict[str, str] | None = None,
        timeout: float = 600) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, text=True,
                          capture_output=True, timeout=timeout, check=False)
    assert done.returncode == 0, f"{args}: {done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sdist and the wheel built from it, from a copy of the checkout's files."""
    source = tmp_path_factory.mktemp("source")
    listed = run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                 cwd=REPO).stdout
    for name in filter(None, listed.split("\0")):
        if (REPO / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, source / name)
    out = tmp_path_factory.mktemp("dist")
    # --no-isolation: the build uses the locked setuptools of the test's own environment.
    run([sys.executable, "-m", "build", "--no-isolation", "--outdir", out, source], cwd=source)
    return out


@pytest.fixture(scope="module")
def venv(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the locked run-time dependencies and the wheel, nothing else."""
    home = tmp_path_factory.mktemp("venv") / "venv"
    run([sys.executable, "-m", "venv", home], cwd=home.parent)
    pip = [home / "bin" / "python", "-m", "pip", "--quiet"]
    run([*pip, "install", "--require-hashes", "-r", REPO / "requirements.lock"], cwd=home.parent)
    (wheel,) = dist.glob("*.whl")
    run([*pip, "install", "--no-deps", wheel], cwd=home.parent)
    run([*pip, "check"], cwd=home.parent)
    return home


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("GATEWAY_", "PYTHON", "VIRTUAL_ENV", "COV_"))}
    env.update(extra)
    return env


def test_the_sdist_and_the_wheel_carry_the_contracts(dist: Path) -> None:
    (sdist,) = dist.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        in_sdist = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    (wheel,) = dist.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        in_wheel = set(archive.namelist())
    for path in CONTRACTS:
        assert path in in_sdist, f"{path} is not in the sdist"
        assert f"gateway/contracts/{path}" in in_wheel, f"{path} is not in the wheel"
        with zipfile.ZipFile(wheel) as archive:
            assert archive.read(f"gateway/contracts/{path}") == (REPO / path).read_bytes()
    assert "gateway/demo/data/demo.json" in in_wheel
    for page in ("portal/templates/home.html", "portal/templates/message.html",
                 "portal/static/portal.css", "simulators/ejournal/templates/ejournal_login.html"):
        assert f"gateway/{page}" in in_wheel, f"{page} is not in the wheel"
    assert {"requirements.lock", "requirements-dev.lock"} <= in_sdist


@pytest.fixture(scope="module")
def installed(venv: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The installed gateway, initialised and loaded from outside the checkout, serving."""
    work = tmp_path_factory.mktemp("operator")
    assert not work.resolve().is_relative_to(REPO.resolve())
    shutil.copy(REPO / "gateway" / "demo" / "data" / "demo.json", work / "demo.json")
    gw_port, reg_port = free_port(), free_port()
    url, registry_url = f"http://127.0.0.1:{gw_port}/", f"http://127.0.0.1:{reg_port}/"
    env = clean_env(GATEWAY_PUBLIC_URL=url, GATEWAY_REGISTRY_URL=registry_url,
                    GATEWAY_CLOCK_START=DEMO_CLOCK_START.isoformat(),
                    GATEWAY_ALLOWED_CLIENTS=json.dumps({"getExamResults": [DEMO_PORTAL]}))
    gateway = venv / "bin" / "gateway"
    where = run([venv / "bin" / "python", "-c", "import gateway; print(gateway.__file__)"],
                cwd=work, env=env).stdout.strip()
    assert Path(where).is_relative_to(venv), where
    assert "database ready" in run([gateway, "init"], cwd=work, env=env).stdout
    imported = run([gateway, "import", "demo.json"], cwd=work, env=env).stdout
    assert "persons 302 (302 new or changed)" in imported
    log = (work / "processes.log").open("ab")
    children = []
    try:
        for args, ready in (
            (["registry-sim", "--port", str(reg_port)], registry_url + "?wsdl"),
            (["serve", "--port", str(gw_port), "--workers", "1"], url + "healthz"),
        ):
            child = subprocess.Popen([str(gateway), *args], cwd=work, env=env, stdout=log,
                                     stderr=log)
            children.append(child)
            wait_for(ready, child, seconds=60)
        yield url
    finally:
        for child in reversed(children):
            child.terminate()
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait(timeout=5)
        log.close()


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310  # 127.0.0.1 only
        assert answer.status == 200
        return bytes(answer.read())


def test_the_installed_gateway_serves_its_wsdl_and_every_schema_it_imports(
    installed: str,
) -> None:
    wsdl = etree.fromstring(fetch(installed + "?wsdl"))
    assert wsdl.find(".//{http://schemas.xmlsoap.org/wsdl/soap/}address").get(
        "location") == installed
    pending = [e.get("schemaLocation") for e in wsdl.iter(f"{XSD}import")]
    fetched: dict[str, etree._Element] = {}
    while pending:
        location = pending.pop()
        assert location and location.startswith(installed + "?xsd="), location
        if location in fetched:
            continue
        schema = etree.fromstring(fetch(location))
        fetched[location] = schema
        pending += [e.get("schemaLocation") for e in schema.iter(f"{XSD}import")
                    if e.get("schemaLocation")]
    names = sorted(location.rsplit("=", 1)[1] for location in fetched)
    assert names == ["vpis.xsd", "xroad-headers.xsd", "xroad-identifiers.xsd"]
    for location, schema in fetched.items():
        committed = etree.parse(str(REPO / "schemas" / location.rsplit("=", 1)[1]))
        assert schema.get("targetNamespace") == committed.getroot().get("targetNamespace")


def test_the_installed_gateway_answers_signed(installed: str) -> None:
    request = urllib.request.Request(  # noqa: S310  # 127.0.0.1 only
        installed, data=(REPO / "docs" / "samples" / "getExamResults.xml").read_bytes(),
        headers={"Content-Type": "text/xml; charset=utf-8"})
    with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
        body = answer.read()
    root = etree.fromstring(body)
    assert root.find(".//{http://www.w3.org/2000/09/xmldsig#}SignatureValue") is not None
    codes = root.findall(".//{http://vpis.visc.gov.lv/xroad/vpis/v1}examCode")
    assert codes, "Anna's results, asked for by her father"


def test_the_installed_gateway_serves_the_portals_pages(installed: str) -> None:
    """The portal's templates travel with the wheel: without a country database it refuses
    every client with its own LV/EN page (RULES §11), rendered from the installed files."""
    try:
        urllib.request.urlopen(installed + "portal/", timeout=10)  # noqa: S310  # 127.0.0.1
    except urllib.error.HTTPError as refused:
        assert refused.code == 403
        page = refused.read().decode("utf-8")
        assert "<html" in page and 'lang="lv"' in page
    else:
        pytest.fail("the portal answered without a country database")
