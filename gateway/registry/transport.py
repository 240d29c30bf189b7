"""A bounded zeep transport for ``gateway verify --status-from`` (:mod:`gateway.status_query`).

The register clients no longer use zeep at run time (they call through
:mod:`gateway.registry.caller`); the one zeep client left at run time is the status query's,
which asks a gateway over the published VPIS WSDL. zeep's own
:class:`zeep.transports.Transport` is used with three restrictions. It loads only the given
contract files (never a URL, so parsing the WSDL cannot reach the network). Each call gets
``(connect, read)`` timeouts *and* a total deadline of their sum, so a server that drips its
answer byte by byte is still cut off. An answer larger than
:data:`~gateway.registry.contract.MAX_MESSAGE_BYTES` is refused. Redirects are not followed:
any HTTP status but 200 (an answer) and 500 (a SOAP fault) is an error.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import requests
from zeep.transports import Transport

from gateway.registry.contract import CONTRACT_FILES, MAX_MESSAGE_BYTES
from gateway.registry.failure import AnswerTooLarge, DeadlineExceeded, UnexpectedStatus

_CHUNK = 16 * 1024


class ContractOnlyTransport(Transport):
    """A zeep transport that reads only the contract files and bounds every call."""

    def __init__(self, *, connect_timeout: float, read_timeout: float,
                 contract_files: tuple[Path, ...] = CONTRACT_FILES) -> None:
        session = requests.Session()
        session.trust_env = False  # no proxies, .netrc or CA bundles from the environment
        session.headers["Accept-Encoding"] = "identity"  # the size bound is the bytes sent
        super().__init__(  # type: ignore[no-untyped-call]  # zeep is untyped
            timeout=read_timeout, operation_timeout=None, session=session
        )
        self.timeouts = (connect_timeout, read_timeout)
        self.deadline = connect_timeout + read_timeout
        self._allowed = {path.resolve() for path in contract_files}

    def load(self, url: str) -> bytes:
        """Read a contract file; refuse URLs and every other file."""
        path = Path(url.removeprefix("file://")).resolve()
        if "://" in url.removeprefix("file://") or path not in self._allowed:
            raise PermissionError("only the committed contract files may be loaded")
        return path.read_bytes()

    def post(self, address: str, message: bytes, headers: dict[str, str]) -> requests.Response:
        """POST one message; the response's body is read here, within the deadline."""
        started = time.monotonic()
        response = self.session.post(
            address,
            data=message,
            headers=headers,
            timeout=self.timeouts,
            allow_redirects=False,
            stream=True,
        )
        with response:
            if response.status_code not in (200, 500):
                raise UnexpectedStatus(response.status_code)
            body = bytearray()
            # read1: whatever has arrived, at most one socket read, so the deadline is checked
            # between the bytes of a register that drips; the loop ends by EOF, size or time.
            while chunk := response.raw.read1(_CHUNK, decode_content=True):
                body += chunk
                if len(body) > MAX_MESSAGE_BYTES:
                    raise AnswerTooLarge(len(body))
                if time.monotonic() - started > self.deadline:
                    raise DeadlineExceeded
            # requests has no public way to hand over a body read by hand.
            response._content = bytes(body)
        return response

    def get(self, address: str, params: Any, headers: Any) -> requests.Response:
        """The register is only ever POSTed to."""
        raise PermissionError("the register client does not GET")

