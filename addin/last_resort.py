"""The outermost ASGI layer: no exception ever reaches uvicorn.

uvicorn logs an exception that escapes the app as "Exception in ASGI
application" with the whole traceback, whose frames can hold cell values. This
layer catches it first: the client gets a Danish 500 (if no answer was started)
and the log gets one line with the exception's type only (issue 12 point 2).
"""

from __future__ import annotations

import logging

logger = logging.getLogger("itbudget.server")

MESSAGE = "Der opstod en intern fejl i IT-budget-serveren. Kontakt IT-staben."


class LastResort:
    """Wraps an ASGI app; see the module docstring."""

    def __init__(self, app):
        self.app = app

    def __getattr__(self, name):  # the inner app's attributes (tests reach app.app, settings)
        return getattr(self.app, name)

    async def __call__(self, scope, receive, send):
        started = False

        async def watch(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watch if scope["type"] == "http" else send)
        except Exception as exc:  # noqa: BLE001 - the last resort, by design
            logger.error("Intern fejl: %s i %s", type(exc).__name__, scope.get("type", "?"))
            if scope["type"] == "http" and not started:
                data = MESSAGE.encode("utf-8")
                try:
                    await send({"type": "http.response.start", "status": 500,
                                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                            (b"content-length", str(len(data)).encode())]})
                    await send({"type": "http.response.body", "body": data})
                except Exception:  # noqa: BLE001 - the client is gone; nothing left to tell
                    pass
            elif scope["type"] == "lifespan":
                raise
