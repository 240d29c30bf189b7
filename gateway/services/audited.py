"""The one audit step (RULES §7): how a decision or a refusal becomes an audit record.

Every route writes its records through these functions and no other: the SOAP boundary
(:mod:`gateway.soap.app` and the operation table), the portal's and the school route's views
(:class:`gateway.portal.web.Web`). A service function returns its decision (a
:class:`~gateway.services.decision.Decided`) or raises an error of :mod:`gateway.errors`; the
route hands either to this module, which fills the record the same way for all of them, and
the record is committed before the answer leaves.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from gateway.domain.mandate import Accessor
from gateway.errors import GatewayError, InternalError
from gateway.store.audit import AuditEntry


class Decision(Protocol):
    """What a service function decided, for the audit record (see
    :class:`gateway.services.decision.Decided`)."""

    @property
    def reason(self) -> str: ...

    @property
    def documents(self) -> tuple[str, ...]: ...

    @property
    def subjects(self) -> tuple[str, ...]: ...

    @property
    def subject_code(self) -> str | None: ...

    @property
    def accessor(self) -> Accessor | None: ...


D = TypeVar("D", bound=Decision)


def record_decision(entry: AuditEntry, decision: Decision) -> None:
    """Fill ``entry`` from an allowed ``decision``: why, which documents, which persons, and
    who the requester is in the eyes of the register that vouches for them."""
    entry.outcome = "allowed"
    entry.reason = str(decision.reason)
    entry.documents = list(decision.documents)
    entry.subjects = list(decision.subjects)
    if entry.subject_code is None:
        entry.subject_code = decision.subject_code
    entry.identify(decision.accessor)  # RULES §13: named as the register named them


def record_error(entry: AuditEntry, exc: BaseException) -> GatewayError:
    """Fill ``entry`` from a refusal or failure; the error the caller is to be shown. A
    refusal that knows who the requester is in a register's eyes (``accessor``) keeps it.

    A deliberate error of the caller's (a :class:`~gateway.errors.ClientError`) is ``refused``;
    anything else is an ``error``, and what was not raised on purpose is shown as an internal
    error, whatever it said.
    """
    error = exc if isinstance(exc, GatewayError) else InternalError()
    entry.outcome = "error" if error.side == "Server" else "refused"
    entry.reason = error.code
    entry.identify(error.accessor)  # RULES §13: a refused representative is named too
    return error


Write = Callable[[Sequence[AuditEntry]], object]
"""Inserts and commits records in one transaction; raises when it cannot."""


@dataclass(frozen=True, slots=True)
class AuditStep:
    """Decide and record in one step, for routes whose answer is the decision itself."""

    write: Write

    def run(self, entry: AuditEntry, decide: Callable[[], D]) -> D:
        """``decide()``, with ``entry`` filled from its result or its error and committed
        before this returns or re-raises. A record that cannot be committed fails the call."""
        try:
            decision = decide()
        except Exception as exc:
            record_error(entry, exc)
            self.write([entry])
            raise
        record_decision(entry, decision)
        self.write([entry])
        return decision

    def record(self, entries: Sequence[tuple[AuditEntry, Decision]]) -> None:
        """Record several decisions already made (a streamed ZIP's batch) in one commit."""
        for entry, decision in entries:
            record_decision(entry, decision)
        self.write([entry for entry, _ in entries])
