"""A contract reader: zeep reading one of our committed contracts (a WSDL and the schemas it
imports) from its own files only, never the network, and never sending.

Neither the gateway nor the register clients call through zeep (the clients use
:mod:`gateway.registry.caller`). zeep is left at run time only in ``gateway verify
--status-from`` (:mod:`gateway.status_query`), and there only to read the published WSDL, write
the request and read the answer; the HTTP exchange is the register clients' bounded POST
(:class:`gateway.registry.wire.BoundedPost`). The contract tests read the registers' WSDLs the
same way. :class:`ContractOnlyTransport` is the zeep transport a WSDL is read through: it loads
only the given contract files (never a URL, so reading the WSDL cannot reach the network) and
refuses to send anything.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import zeep
from zeep.transports import Transport


class ContractOnlyTransport(Transport):
    """A zeep transport that reads only the contract files and sends nothing."""

    def __init__(self, contract_files: tuple[Path, ...]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # zeep is untyped
        self._allowed = {path.resolve() for path in contract_files}

    def load(self, url: str) -> bytes:
        """Read a contract file; refuse URLs and every other file."""
        path = Path(url.removeprefix("file://")).resolve()
        if "://" in url.removeprefix("file://") or path not in self._allowed:
            raise PermissionError("only the committed contract files may be loaded")
        return path.read_bytes()

    def get(self, address: str, params: Any, headers: Any) -> Any:
        """Nothing is fetched."""
        raise PermissionError("the contract reader does not GET")

    def post(self, address: str, message: bytes, headers: dict[str, str]) -> Any:
        """Nothing is sent through zeep: the caller POSTs with its own bounds."""
        raise PermissionError("the contract reader does not POST")


def contract_reader(wsdl: Path, contract_files: tuple[Path, ...]) -> Any:
    """A zeep client for the committed ``wsdl``: strict, no DTDs, no entities, nothing read
    but ``contract_files``; for writing requests and reading answers, never for sending."""
    return zeep.Client(  # type: ignore[no-untyped-call]  # zeep is untyped
        str(wsdl),
        transport=ContractOnlyTransport(contract_files),
        settings=zeep.Settings(
            strict=True, forbid_dtd=True, forbid_entities=True, forbid_external=True
        ),
    )
