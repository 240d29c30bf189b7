"""spyne as the gateway's SOAP dispatcher.

The gateway is a spyne *transport* (a :class:`spyne.server.ServerBase`): the WSGI boundary in
:mod:`gateway.soap.app` has already read, parsed and checked the request, so it hands spyne the
checked tree, and spyne's method map picks the operation by the body's element. Each spyne
method is made from a row of the operation table and performs it; the call travels in spyne's
user-defined context (``ctx.udc``). An operation's error is kept as raised through
:meth:`Application.call_wrapper`, the hook spyne documents for application-wide exception
handling, and handed back to the boundary — which alone turns it into a fault — instead of
becoming a spyne fault (which spyne would log with a traceback). The transport never serialises
through spyne and never closes spyne's context, so spyne's periodic ``gc.collect()`` (run from
``MethodContext.close``) does not run either.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lxml import etree
from spyne import AnyXml, Application, MethodContext, ServiceBase, rpc
from spyne.protocol.soap import Soap11
from spyne.server import ServerBase

from gateway.domain.personal_code import PersonalCode
from gateway.errors import InternalError, InvalidRequest
from gateway.ns import VPIS
from gateway.runtime import Runtime
from gateway.soap import problems as P
from gateway.soap.operation import Operation
from gateway.soap.operations import OPERATIONS
from gateway.store.audit import AuditEntry


@dataclass(slots=True)
class Job:
    """What one spyne method needs, and what it left: the user-defined context of a call."""

    runtime: Runtime
    requester: PersonalCode
    payload: etree._Element
    now: datetime
    audit: AuditEntry
    error: BaseException | None = None


def _method(operation: Operation[Any, Any]) -> Any:
    def perform(ctx: Any, _first_child: Any) -> etree._Element:
        job: Job = ctx.udc
        return operation.perform(job.runtime, job.requester, job.payload, job.now, job.audit)

    perform.__name__ = perform.__qualname__ = operation.code
    return rpc(AnyXml, _returns=AnyXml, _body_style="bare", _in_message_name=operation.code,
               _out_message_name=f"{operation.code}Response")(perform)


class _GatewayApplication(Application):  # type: ignore[misc]  # spyne is untyped
    def call_wrapper(self, ctx: Any) -> Any:
        try:
            return super().call_wrapper(ctx)
        except Exception as exc:  # kept as raised: the boundary decides what the caller sees
            ctx.udc.error = exc
            return None


class Dispatcher(ServerBase):  # type: ignore[misc]  # spyne is untyped
    """The operations of the table, dispatched by spyne."""

    transport = "http://schemas.xmlsoap.org/soap/http"

    def __init__(self) -> None:
        service = type("VpisService", (ServiceBase,),
                       {op.code: _method(op) for op in OPERATIONS})
        super().__init__(_GatewayApplication([service], tns=VPIS, name="vpis",
                                             in_protocol=Soap11(), out_protocol=Soap11()))

    def dispatch(self, envelope: etree._Element, job: Job) -> etree._Element:
        """Perform the operation the checked request ``envelope`` names; its answer payload."""
        # The envelope was parsed, checked and its body validated against the published
        # schema already, and the operation's function reads ``job.payload`` itself (issue
        # 27: what spyne would do again per call, set here as it would set it): no second
        # look for the Body (spyne's decompose_incoming_envelope, two XPath queries compiled
        # per call), no copy of the fresh context per matching method
        # (generate_method_contexts), and no reading of the payload into an object the
        # function does not take (get_in_object). spyne's method map picks the operation,
        # and spyne's Application calls it, with its events.
        handles = self.app.interface.service_method_map.get(job.payload.tag)
        if not handles:  # no operation of that name (the checks before make this unreachable)
            raise InvalidRequest("unknown operation", problem=P.UNKNOWN_SERVICE_CODE)
        ctx = MethodContext(self, MethodContext.SERVER)
        ctx.in_document = envelope
        ctx.in_body_doc = job.payload
        ctx.method_request_string = job.payload.tag
        ctx.descriptor = handles[0]
        ctx.udc = job
        try:
            self.get_out_object(ctx)
            if job.error is not None:
                raise job.error
            if ctx.out_error is not None:
                raise InternalError(f"spyne: {ctx.out_error}")
            payload = ctx.out_object[0]
        finally:
            # spyne's context and its protocol, transport and event contexts point at one
            # another (a protocol context at itself too, through its sub-context factory).
            # Left to the garbage collector, those cycles held the whole call (its request
            # and answer trees, the parser, the audit entry: 48 objects a call) until a
            # collection found them, and every collection walked them (issue 27). Emptied,
            # they go when the call does.
            for part in (ctx.inprot_ctx, ctx.outprot_ctx):
                if part is not None:
                    vars(part).clear()
            vars(ctx).clear()
        assert isinstance(payload, etree._Element)
        return payload
