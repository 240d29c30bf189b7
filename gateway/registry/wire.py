"""One bounded POST to a register over a pooled HTTP connection (urllib3, no requests).

The bounds are the register client's promise to the gateway: ``(connect, read)`` timeouts
*and* a total deadline of their sum, so a register that drips its answer byte by byte is still
cut off; an answer larger than :data:`~gateway.registry.contract.MAX_MESSAGE_BYTES` is refused
while it is read. Nothing is taken from the environment (urllib3 reads no proxy variables or
``.netrc``), redirects are not followed and nothing is retried: any HTTP status but 200 (an
answer) and 500 (a SOAP fault) is an error. ``Accept-Encoding: identity`` keeps the size bound
on the bytes actually sent (a compressed answer is not decompressed: it fails as not XML).
"""

from __future__ import annotations

import time

import certifi
import urllib3

from gateway.registry.contract import MAX_MESSAGE_BYTES
from gateway.registry.failure import AnswerTooLarge, DeadlineExceeded, UnexpectedStatus

_CHUNK = 16 * 1024
_POOL_SIZE = 10
"""Connections kept per register; a burst beyond it opens (and then drops) extra ones."""


class BoundedPost:
    """POSTs SOAP messages to one URL; thread-safe (urllib3's pool is)."""

    def __init__(self, url: str, *, connect_timeout: float, read_timeout: float,
                 pool_size: int = _POOL_SIZE) -> None:
        self.url = url
        self.deadline = connect_timeout + read_timeout
        self._path = urllib3.util.parse_url(url).request_uri
        self._timeout = urllib3.Timeout(connect=connect_timeout, read=read_timeout)
        # Over TLS the CA bundle is certifi's, as with requests: never one the environment names.
        tls = {"ca_certs": certifi.where()} if url.lower().startswith("https:") else {}
        self._pool = urllib3.connection_from_url(
            url, maxsize=pool_size, block=False, retries=False, timeout=self._timeout, **tls
        )
        self._headers = {
            "Content-Type": "text/xml; charset=utf-8",
            "SOAPAction": '""',  # the WSDLs' soapAction="" (WS-I BP 1.1 R2744: quoted)
            "Accept-Encoding": "identity",
        }

    def post(self, message: bytes) -> tuple[int, bytes]:
        """Send ``message``; the HTTP status (200 or 500) and the whole answer, read within
        the deadline and the size bound."""
        started = time.monotonic()
        response = self._pool.urlopen(
            "POST", self._path, body=message, headers=self._headers, retries=False,
            redirect=False, timeout=self._timeout, preload_content=False,
            assert_same_host=False,
        )
        try:
            if response.status not in (200, 500):
                raise UnexpectedStatus(response.status)
            body = bytearray()
            # read1: whatever has arrived, at most one socket read, so the deadline is checked
            # between the bytes of a register that drips; the loop ends by EOF, size or time.
            # decode_content=False: identity was asked for, so a compressed body is not XML and
            # is refused as such; it is never inflated (no decompression bomb).
            while chunk := response.read1(_CHUNK, decode_content=False):
                body += chunk
                if len(body) > MAX_MESSAGE_BYTES:
                    raise AnswerTooLarge(len(body))
                if time.monotonic() - started > self.deadline:
                    raise DeadlineExceeded
            return response.status, bytes(body)
        except BaseException:
            response.close()  # closes the connection too: a half-read one is never reused
            raise
        finally:
            response.release_conn()

    def close(self) -> None:
        """Close the pooled connections."""
        self._pool.close()
