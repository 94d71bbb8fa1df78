"""The Office.js add-in: xlwings Server configured for this project's functions and scripts.

:func:`build_app` returns xlwings Server's FastAPI app with ``udfs`` as its
custom functions (namespace ``ITB`` in the manifest) and :mod:`addin.scripts`
as its custom scripts, serving the Danish task pane in ``addin/templates``.

The app is configured by one :class:`itbudget.settings.Settings`, given to
:func:`build_app` or read from the environment once by the uvicorn factory
:func:`app_from_environment`. xlwings Server, though, reads *its* settings from
the environment when it is first imported, and xlwings decides at its own first
import whether ``@func`` and ``@script`` are live; and uvicorn can hand its
server processes nothing but the environment. So this module is the one place
the project writes ``os.environ`` (:func:`_write_environment`): xlwings'
switches before importing it, and :func:`serve`'s settings for its processes.
It refuses to build the app when xlwings was imported too early.
xlwings-server is an optional extra (``pip install 'itbudget[server]'``),
dual-licensed PolyForm Noncommercial / commercial: ``XLWINGS_LICENSE_KEY`` must
be set by whoever runs the server (``noncommercial`` or a commercial key).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Mapping

from itbudget.errors import ItbudgetError
from itbudget.settings import Settings, use_process_settings

ADDIN_DIR = Path(__file__).resolve().parent
NAMESPACE = "ITB"

_SETTINGS = {
    # Ours: the manifest's namespace makes the functions ITB.VALIDER etc.
    "XLWINGS_FUNCTIONS_NAMESPACE": NAMESPACE,
    "XLWINGS_PROJECT_NAME": "IT-budget",
    "XLWINGS_PROJECT_DIR": str(ADDIN_DIR),
}
_DEFAULTS = {
    "XLWINGS_ENVIRONMENT": "prod",
    "XLWINGS_ENABLE_EXAMPLES": "false",
    "XLWINGS_ENABLE_HOTRELOAD": "false",
    "XLWINGS_ENABLE_SOCKETIO": "false",
}


def _write_environment(values: Mapping[str, str | None]) -> None:
    """Set (or, for ``None``, unset) environment variables: the project's only such write.

    Only for what cannot be passed any other way: xlwings and xlwings Server read
    their settings from the environment at first import, and uvicorn starts each
    server process with nothing but the environment and the factory's name.
    """
    for key, value in values.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def configure_xlwings() -> None:
    """Switch xlwings into server mode, with our project's settings, before its first import."""
    if "xlwings" in sys.modules and not getattr(sys.modules["xlwings"], "on_server", False):
        raise ItbudgetError(
            "xlwings blev importeret, før serveren kunne slå xlwings Server til "
            "(XLWINGS_ON_SERVER); start serveren med 'itbudget serve'.")
    if not os.environ.get("XLWINGS_LICENSE_KEY"):
        raise ItbudgetError(
            "XLWINGS_LICENSE_KEY er ikke sat. xlwings Server er dobbeltlicenseret: sæt "
            "XLWINGS_LICENSE_KEY=noncommercial ved ikke-kommerciel brug (PolyForm Noncommercial "
            "1.0.0, som også dækker offentlige myndigheder), ellers en kommerciel licensnøgle. "
            "Se docs/addin.md.")
    defaults = {key: value for key, value in _DEFAULTS.items() if key not in os.environ}
    _write_environment({"XLWINGS_ON_SERVER": "true", **_SETTINGS, **defaults})


def _skip_pyodide_probe() -> None:
    """Make xlwings' per-cell ``from pyodide.ffi import JsNull`` fail fast.

    xlwings (0.37) tries that import for every cell of every argument to detect
    xlwings Lite; outside Pyodide each failed import searches all of sys.path,
    about 0.15 ms a cell, which made ITB.VALIDER over 10,000 rows take seconds.
    A ``None`` entry in sys.modules makes the import fail at once. Pyodide never
    exists on this server, so nothing else changes.
    """
    import importlib.util

    if "pyodide" not in sys.modules and importlib.util.find_spec("pyodide") is None:
        sys.modules["pyodide"] = None


async def _on_access_denied(request, exc):
    from fastapi.responses import PlainTextResponse

    return PlainTextResponse(str(exc)[:1000], status_code=403)


async def _on_user_error(request, exc):
    # Replaces xlwings Server's handler, which logs the message: ours can quote cells
    # ("fandt: ..."), and the log must never hold booking contents. The gate logs the 400.
    from fastapi.responses import PlainTextResponse

    return PlainTextResponse(str(exc)[:1000], status_code=400)


async def _on_malformed(request, exc):
    # FastAPI's own 422 is English and echoes the input; the gate logs the status.
    from fastapi.responses import PlainTextResponse

    return PlainTextResponse("Forespørgslen har ikke den form, IT-budget forventer.", status_code=400)


async def _on_bug(request, exc):
    # A bug: log its type only (its text may quote cells); the user gets a Danish 500.
    import logging

    from fastapi.responses import PlainTextResponse

    logging.getLogger("itbudget.server").error("Intern fejl: %s i %s", type(exc).__name__,
                                               request.url.path)
    return PlainTextResponse("Der opstod en intern fejl i IT-budget-serveren. Kontakt IT-staben.",
                             status_code=500)


def build_app(master: str | os.PathLike | None = None, access=None, *,
              settings: Settings | None = None, **folders):
    """The add-in as an ASGI app: xlwings Server behind :class:`addin.gate.Gate`.

    ``settings`` configure it (default: from the environment); ``master`` and
    ``folders`` (``returns``, ``output``, ``lists`` for the ``Konsolider``
    script) override their fields. ``access`` is an :class:`addin.gate.AccessSettings`
    (default: from the settings, which refuse to start without an authentication mode).
    """
    from . import manifest, taskpane_text
    from .gate import AccessSettings, Gate, arity, repeating_index
    from .last_resort import LastResort

    configure_xlwings()
    settings = settings if settings is not None else Settings.from_environment()
    chosen = {"stamdata": master, **folders}
    settings = settings.model_copy(update={key: Path(value).resolve() for key, value in chosen.items()
                                           if value is not None})
    access = access if access is not None else AccessSettings.from_settings(settings)
    try:
        import xlwings_server  # noqa: F401
    except ModuleNotFoundError:
        raise ItbudgetError(
            "xlwings Server er ikke installeret. Installér det med: "
            "pip install 'itbudget[server]'") from None
    import udfs
    from addin import scripts

    # The functions and scripts are called by xlwings with no context but their arguments.
    use_process_settings(settings)
    if not hasattr(udfs.itb_valider, "__xlfunc__") or not hasattr(scripts.Valider, "__xlscript__"):
        raise ItbudgetError("xlwings' dekoratorer er ikke aktive (XLWINGS_ON_SERVER blev sat for sent).")
    # xlwings Server imports its functions and scripts as the top-level modules
    # 'custom_functions' and 'custom_scripts'; hand it ours.
    sys.modules["custom_functions"] = udfs
    sys.modules["custom_scripts"] = scripts
    _skip_pyodide_probe()
    before = list(sys.path)
    from xlwings_server.main import app

    # xlwings Server puts the project dir on sys.path for user overrides; our
    # package dir must not shadow top-level modules.
    sys.path[:] = [p for p in sys.path if p != str(ADDIN_DIR) or p in before]
    from xlwings import XlwingsError

    from itbudget.errors import AccessDenied

    from fastapi.exceptions import RequestValidationError

    from . import function_calls, static_files
    from .xlwings_fixes import keep_unparseable_timestamps_as_text

    # xlwings Server's static route reads files outside its folder; ours never does.
    static_files.install(app, ADDIN_DIR / "static", Path(xlwings_server.__file__).parent / "static")
    keep_unparseable_timestamps_as_text()
    # A holder asking about another holder's data: 403 with the Danish message.
    app.add_exception_handler(AccessDenied, _on_access_denied)
    app.add_exception_handler(RequestValidationError, _on_malformed)
    app.add_exception_handler(XlwingsError, _on_user_error)
    app.add_exception_handler(Exception, _on_bug)
    function_calls.install(app, udfs, udfs.FUNCTIONS)  # parsed once, encoded once
    manifest.install(app)  # our manifest, ahead of xlwings Server's generic one
    taskpane_text.install()  # the pane's frame (fallback text, title) in Danish
    # Built now, not by whichever worker thread (see gate.off_the_loop) calls it first.
    app.middleware_stack = app.build_middleware_stack()
    gate = Gate(app, access, functions={f.__name__: arity(f) for f in udfs.FUNCTIONS},
                scripts={s.__xlscript__["name"] for s in scripts.SCRIPTS},
                repeating={f.__name__: i for f in udfs.FUNCTIONS if (i := repeating_index(f)) is not None})
    return LastResort(gate)


def app_from_environment():
    """Uvicorn factory: ``uvicorn --factory addin.server:app_from_environment``.

    ``itbudget serve`` starts every server process this way; each reads its
    :class:`~itbudget.settings.Settings` from the environment once, here. The app
    refuses, request by request, development mode off loopback and login without
    TLS off loopback (see :func:`addin.gate.exposure_refusal`), so a bare
    ``uvicorn --host 0.0.0.0`` is as safe.
    """
    import logging

    from itbudget import runtime

    logging.getLogger("itbudget.server").setLevel(logging.INFO)  # the request log
    app = build_app(settings=Settings.from_environment())
    runtime.long_running()
    return app


def serve(settings: Settings, *, host: str, port: int, workers: int,
          cert: str | None = None, key: str | None = None) -> None:
    """Run the add-in in ``workers`` processes until stopped (``itbudget serve``).

    Each process builds the same app from ``settings`` (through the environment,
    see :func:`_write_environment`), so the app itself holds the loopback and TLS
    rules whichever way it is started.
    """
    import uvicorn

    _write_environment(settings.environment())
    uvicorn.run("addin.server:app_from_environment", factory=True, workers=workers,
                host=host, port=port, ssl_certfile=cert, ssl_keyfile=key,
                http="addin.protocol:TimedH11Protocol", timeout_keep_alive=5,
                h11_max_incomplete_event_size=16 * 1024, log_level=settings.log_level)
