"""Static files for the add-in, served only from inside their folders.

xlwings Server's own static route (``OverridableStaticFiles``) joins the
request path to the project's static folder without containment, so
``GET /static/..%2f..%2fetc%2fpasswd`` read any file the server could read
(issue 12 point 1). :class:`SafeStaticFiles` replaces it on the ``/static``
mount. It serves any file under ``addin/static`` (subfolders included), falling
back to xlwings Server's packaged static files (its JavaScript and CSS), and
refuses with 404, before any file is opened:

- any ``..`` or ``.`` segment, empty segments and absolute paths, however they
  were encoded (the server decodes ``%2f``/``%2e`` once; a ``%`` left after that
  decoding is double encoding and refused too);
- backslashes, NUL and other control characters, bytes that are not UTF-8 (overlong
  ``%c0%ae`` dots) and drive letters (``C:``);
- a file whose real path (symlinks followed) is outside its folder.

Each refusal is one log line naming the kind of refusal, never the path (it
could carry control characters or a secret file name).
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

from starlette.responses import PlainTextResponse, Response
from starlette.staticfiles import StaticFiles

logger = logging.getLogger("itbudget.server")

NOT_FOUND = "Filen findes ikke."
_MAX_PATH = 512


def refusal_reason(route_path: str) -> str | None:
    """Why a static route path (the part after ``/static/``) is refused, or None if it may be looked up."""
    if len(route_path) > _MAX_PATH:
        return "for lang sti"
    if any(ord(c) < 32 or ord(c) == 127 for c in route_path):
        return "kontroltegn"
    if "\ufffd" in route_path:  # bytes that were not UTF-8 (overlong "%c0%ae" dots and the like)
        return "ugyldig tegnkodning"
    if "\\" in route_path:
        return "omvendt skråstreg"
    if "%" in route_path:
        return "dobbelt kodning"
    if ":" in route_path:
        return "drevbogstav eller kolon"
    segments = route_path.split("/")
    if route_path.startswith("/") or "" in segments:
        return "absolut sti eller tomt led"
    if any(s in (".", "..") for s in segments):
        return "sti uden for mappen (..)"
    return None


class SafeStaticFiles(StaticFiles):
    """A ``StaticFiles`` over ``directories`` (first match wins) that never leaves them."""

    def __init__(self, *directories: Path):
        self.roots = [Path(os.path.realpath(d)) for d in directories if Path(d).is_dir()]
        super().__init__(directory=str(self.roots[-1]) if self.roots else None, check_dir=False)

    def get_path(self, scope) -> str:
        # The raw route path, not normalised: normalising would turn "js/../../x" into
        # "../x" but also quietly accept "js/../js/auth.js"; refusing every ".." is simpler.
        path = scope["path"]
        root_path = scope.get("root_path", "")
        if root_path and path.startswith(root_path):
            path = path[len(root_path):]
        return path[1:] if path.startswith("/") else path

    async def get_response(self, path: str, scope) -> Response:
        if scope["method"] not in ("GET", "HEAD"):
            return PlainTextResponse("Kun GET og HEAD.", status_code=405, headers={"Allow": "GET, HEAD"})
        reason = refusal_reason(path)
        found = None
        if reason is None:
            found, reason = self.find(path)
        if found is None:
            if reason:
                logger.warning("Statisk fil afvist: %s", reason)
            return PlainTextResponse(NOT_FOUND, status_code=404)
        full_path, stat_result = found
        return self.file_response(full_path, stat_result, scope)

    def find(self, path: str) -> tuple[tuple[str, os.stat_result] | None, str | None]:
        """The regular file ``path`` names in the first folder that has it, and a refusal reason if any."""
        reason = None
        for root in self.roots:
            candidate = root / path
            try:
                real = Path(os.path.realpath(candidate))
                if not real.is_relative_to(root):
                    if os.path.lexists(candidate):
                        reason = "symlink ud af mappen"
                    continue
                st = os.stat(real)
            except (OSError, ValueError):
                continue
            if stat.S_ISREG(st.st_mode):
                return (str(real), st), None
        return None, reason


def install(app, *directories: Path) -> SafeStaticFiles:
    """Put a :class:`SafeStaticFiles` over ``directories`` on ``app``'s ``static`` mount."""
    from starlette.routing import Mount

    safe = SafeStaticFiles(*directories)
    mounts = [r for r in app.router.routes if isinstance(r, Mount) and r.name == "static"]
    if not mounts:
        raise RuntimeError("xlwings Server has no static mount to replace")
    for mount in mounts:
        mount.app = safe
        if hasattr(mount, "_base_app"):
            mount._base_app = safe
    return safe
