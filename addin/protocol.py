"""uvicorn's HTTP/1.1 protocol with a deadline for the request headers.

uvicorn closes idle keep-alive connections, but a client that sends half a
request line or half its headers and then waits is held open for ever; a
thousand of them starve the server (issue 12 point 6). This protocol closes a
connection whose headers are not complete within :data:`HEADER_TIMEOUT`
seconds of the connection opening or of the previous answer. (The body has its
own deadline in the gate.) ``itbudget serve`` uses it; with plain uvicorn pass
``--http addin.protocol:TimedH11Protocol``.
"""

from __future__ import annotations

from uvicorn.protocols.http.h11_impl import H11Protocol

from itbudget.settings import Settings

#: Seconds a client may take to send its request line and headers (``ITBUDGET_HEADER_TIMEOUT``).
#: uvicorn loads this class by name in each server process, so it reads its settings itself.
HEADER_TIMEOUT = Settings.from_environment().header_timeout


class TimedH11Protocol(H11Protocol):
    """:class:`H11Protocol` that closes a connection whose headers do not arrive in time."""

    header_timeout = HEADER_TIMEOUT
    _header_timer = None

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self._arm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm()

    def handle_events(self) -> None:
        super().handle_events()
        if not self._awaiting_headers():
            self._disarm()

    def connection_lost(self, exc) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _awaiting_headers(self) -> bool:
        return self.cycle is None or self.cycle.response_complete

    def _arm(self) -> None:
        self._disarm()
        self._header_timer = self.loop.call_later(self.header_timeout, self._headers_too_late)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_too_late(self) -> None:
        self._header_timer = None
        if self._awaiting_headers() and not self.transport.is_closing():
            self.transport.close()
