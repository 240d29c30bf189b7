"""The contracts the gateway publishes and consumes, found as package data.

The files live at the repository's top level, ``wsdl/`` and ``schemas/``, where the design keeps
them; the build maps those folders to the packages ``gateway.contracts.wsdl`` and
``gateway.contracts.schemas`` (``setup.py``; each folder holds an ``__init__.py`` marker because
setuptools' editable installs map only regular packages), so a wheel, an sdist and an editable
install all carry them and :mod:`importlib.resources` finds them wherever the gateway is
installed. Nothing here computes a path from the checkout.

The files must lie on the file system (a wheel unpacked by pip, or the checkout): lxml resolves
a schema's ``xsd:import`` relative to the file it reads, and zeep reads the WSDL by path.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

WSDL_PACKAGE = "gateway.contracts.wsdl"
SCHEMAS_PACKAGE = "gateway.contracts.schemas"


@cache
def _file(package: str, name: str) -> Path:
    if "/" in name or "\\" in name or name.startswith("."):
        raise ValueError(f"not a contract file name: {name!r}")
    found = resources.files(package).joinpath(name)
    if not isinstance(found, Path) or not found.is_file():
        raise FileNotFoundError(
            f"contract file {name!r} is missing from {package} (the installation is incomplete)"
        )
    return found.resolve()


def wsdl_file(name: str) -> Path:
    """The path of ``wsdl/<name>``, e.g. ``wsdl_file("vpis.wsdl")``."""
    return _file(WSDL_PACKAGE, name)


def schema_file(name: str) -> Path:
    """The path of ``schemas/<name>``, e.g. ``schema_file("vpis.xsd")``."""
    return _file(SCHEMAS_PACKAGE, name)
