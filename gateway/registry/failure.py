"""Why a register call gave no usable answer, and the one place that decides it.

Every register client fails closed: any exception on the way — in the connection, the HTTP
exchange, the parsing or the checks — becomes one :class:`RegistryFailure` through
:func:`classify`, and the caller refuses. The exceptions the lean caller raises itself are
defined here, so that classifying them needs nothing but this module and urllib3's tree.
"""

from __future__ import annotations

from enum import StrEnum

from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    MaxRetryError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
)


class RegistryFailure(StrEnum):
    """Why the register gave no usable answer (``RegistryUnavailable.attrs["failure"]``)."""

    UNREACHABLE = "unreachable"  # no connection: refused, reset, DNS
    TIMEOUT = "timeout"  # no connection or no whole answer in time
    MALFORMED = "malformed"  # an answer, but not one the contract allows
    FAULT = "fault"  # the register or X-Road answered with a fault or an HTTP error


class DeadlineExceeded(Exception):
    """The whole answer did not arrive within connect + read timeout."""


class AnswerTooLarge(Exception):
    """The answer is larger than any real register answer."""


class UnexpectedStatus(Exception):
    """An HTTP status other than 200 (an answer) or 500 (a SOAP fault): a proxy or X-Road error."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class RegisterFault(Exception):
    """The register answered with HTTP 500 or a SOAP 1.1 ``Fault`` (SOAP 1.1 §4.4).

    ``faultcode`` is the fault's code when the body held a readable one, else ``""``; it is
    logged at DEBUG only (a fault string may quote the request).
    """

    def __init__(self, faultcode: str = "") -> None:
        super().__init__(faultcode or "fault")
        self.faultcode = faultcode


class MalformedAnswer(ValueError):
    """The register's answer is not what the contract promises."""


def classify(exc: BaseException) -> RegistryFailure:
    """Which :class:`RegistryFailure` an exception from a register call means.

    The order matters: urllib3's :class:`~urllib3.exceptions.NewConnectionError` (refused,
    DNS) derives from its connect-timeout error, and a socket timeout is an ``OSError``.
    """
    if isinstance(exc, MaxRetryError) and exc.reason is not None:
        return classify(exc.reason)  # only with retries enabled; the caller disables them
    if isinstance(exc, NewConnectionError):
        return RegistryFailure.UNREACHABLE
    if isinstance(exc, DeadlineExceeded | ConnectTimeoutError | ReadTimeoutError | TimeoutError):
        return RegistryFailure.TIMEOUT
    if isinstance(exc, ProtocolError) and any(isinstance(a, TimeoutError) for a in exc.args):
        return RegistryFailure.TIMEOUT  # a read timeout surfacing as a broken connection
    if isinstance(exc, HTTPError | OSError):
        return RegistryFailure.UNREACHABLE  # refused, reset, protocol broken mid-answer
    if isinstance(exc, RegisterFault | UnexpectedStatus):
        return RegistryFailure.FAULT
    return RegistryFailure.MALFORMED  # not XML, wrong shape, failed checks, too large
