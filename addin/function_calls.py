"""``POST /xlwings/custom-functions-call`` in one pass: parsed once, encoded once (issue 18).

xlwings Server's own route for a worksheet-function call parses the body again (the
gate has already parsed and checked it) and encodes the answer through FastAPI's
``jsonable_encoder``, which visits every cell of the result. For a 10,000-row
ITB.VALIDER that was about 6 ms and 15 ms of the fixed cost of every call, measured
here. This route, placed ahead of xlwings Server's, takes the body the gate parsed,
calls the same xlwings core function (``xlwings.server.custom_functions_call``) and
encodes the answer once with ``json.dumps``.

xlwings Server's route adds four things around that core call: required roles, the
``Caller`` and ``CurrentUser`` arguments, follow-up scripts (``WithScript``) and stale
object handles. :func:`install` refuses a worksheet function that would need any of
them, so nothing the add-in's functions use is lost.
"""

from __future__ import annotations

import inspect
import json

#: Where :class:`addin.gate.Gate` leaves the body it parsed and checked, in the ASGI scope.
PARSED_BODY = "itbudget.parsed_body"


def encode(answer: dict) -> bytes:
    """The answer as FastAPI's JSONResponse would write it after ``jsonable_encoder``.

    Worksheet-function answers are lists of plain values, which ``json.dumps`` writes
    directly; anything else (a date, a Decimal, NaN) goes through ``jsonable_encoder``
    first, exactly as xlwings Server's route did.
    """
    options = {"ensure_ascii": False, "allow_nan": False, "indent": None, "separators": (",", ":")}
    try:
        return json.dumps(answer, **options).encode("utf-8")
    except (TypeError, ValueError):
        from fastapi.encoders import jsonable_encoder

        return json.dumps(jsonable_encoder(answer), **options).encode("utf-8")


def unsupported(fn) -> str | None:
    """Why xlwings Server's own route would be needed for ``fn``, or None."""
    from xlwings.server import OBJECT_CONVERTER_KEYS

    info = fn.__xlfunc__
    if info.get("required_roles"):
        return "kræver roller"
    if inspect.isasyncgenfunction(fn):
        return "streamer"
    if info["ret"]["options"].get("convert") in OBJECT_CONVERTER_KEYS:
        return "returnerer objekt-håndtag"
    hints = {str(p.annotation) for p in inspect.signature(fn).parameters.values()}
    if any("Caller" in h or "CurrentUser" in h for h in hints):
        return "bruger Caller eller CurrentUser"
    return None


def install(app, module, functions) -> None:
    """Answer ``module``'s worksheet functions ahead of xlwings Server's route."""
    import xlwings.server
    from starlette.responses import Response
    from starlette.routing import Route
    from xlwings_server.config import settings

    from itbudget.errors import ItbudgetError

    for fn in functions:
        reason = unsupported(fn)
        if reason:
            raise ItbudgetError(f"Regnearksfunktionen {fn.__name__} {reason}; IT-budgets "
                                "funktionskald understøtter det ikke.")

    async def call(request) -> Response:
        data = request.scope[PARSED_BODY]  # build_app always puts the gate in front
        rv = await xlwings.server.custom_functions_call(data, module, None, typehint_to_value={})
        return Response(encode({"result": rv}), media_type="application/json")

    route = Route(settings.app_path + "/xlwings/custom-functions-call", call, methods=["POST"])
    # Starlette matches routes in order: ours first, so xlwings Server's never answers.
    app.router.routes.insert(0, route)


__all__ = ["PARSED_BODY", "encode", "install", "unsupported"]
