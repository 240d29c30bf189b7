"""Build glue that pyproject.toml cannot say: the top-level contract folders as package data.

``wsdl/`` and ``schemas/`` stay at the repository's top level (the contracts come first); the
wheel and the sdist carry them as ``gateway.contracts.wsdl`` and ``gateway.contracts.schemas``,
read at run time with importlib.resources (``gateway/contracts``). Everything else is in
pyproject.toml.
"""

from setuptools import find_namespace_packages, setup

CONTRACTS = {"gateway.contracts.wsdl": "wsdl", "gateway.contracts.schemas": "schemas"}

setup(
    packages=[*find_namespace_packages(include=["gateway*"]), *CONTRACTS],
    package_dir=CONTRACTS,
)
