"""Writing outputs: whole or not at all, and never a live formula from user text.

Every file the product writes goes through :func:`atomic_path`: the content is
written to a temporary file beside the target and renamed over it only when
complete, so a run killed mid-write leaves the previous output intact.
:func:`safe_text` neutralises text that a spreadsheet would run as a formula.
:func:`kept_name` and :func:`keep_copy` keep a file a person filled before a
newer one takes its name (a re-issued holder workbook).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import itertools
import os
import re
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Iterator

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@contextlib.contextmanager
def atomic_path(target: Path | str) -> Iterator[Path]:
    """Yield a temporary path; on success rename it to ``target``, else remove it.

    The temporary file keeps the target's suffix, since writers such as
    openpyxl and xlsxwriter look at it.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(target)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    work = Path(tmp)
    # mkstemp makes the file private (0600); outputs go to shared drives, so
    # give them the permissions an ordinary new file would get.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(work, 0o666 & ~umask)
    try:
        yield work
        with open(work, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(work, target)
    except BaseException as exc:
        failure = os_error(exc)
        if failure is not None:
            _release_writer(exc)
        with contextlib.suppress(FileNotFoundError):
            work.unlink()
        if failure is not None and failure is not exc:
            raise failure from None  # callers turn an OSError into a Danish message
        raise


#: A temporary file untouched this long belongs to a run that was killed: writing one
#: output takes seconds to a minute, and a writer touches its file as it writes.
STALE_AFTER_SECONDS = 60 * 60
#: The random part :func:`tempfile.mkstemp` puts in a name (CPython's ``_RandomNameSequence``).
_MKSTEMP_RANDOM = "[a-z0-9_]{8}"


def remove_stale_temporaries(target: Path, *, now: float | None = None) -> list[Path]:
    """Remove the temporary files of ``target`` that killed runs left behind; the paths removed.

    Only regular files named exactly as :func:`atomic_path` names them
    (``.NAME.<8 random characters>SUFFIX``) and not modified for
    :data:`STALE_AFTER_SECONDS`: a younger one may be another run's, still
    being written, and a file named otherwise is someone else's.
    """
    pattern = re.compile(rf"\.{re.escape(target.name)}\.{_MKSTEMP_RANDOM}{re.escape(target.suffix)}")
    prefix = f".{target.name}."
    now = time.time() if now is None else now
    removed = []
    try:
        entries = [e for e in os.scandir(target.parent) if e.name.startswith(prefix)]
    except OSError:
        return removed
    for entry in entries:
        try:
            if (pattern.fullmatch(entry.name) and entry.is_file(follow_symlinks=False)
                    and now - entry.stat(follow_symlinks=False).st_mtime > STALE_AFTER_SECONDS):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:  # gone already (another run removed it), or not ours to remove
            continue
    return removed


def os_error(exc: BaseException) -> OSError | None:
    """The file-system error behind ``exc``: itself, or the one a writer wrapped.

    xlsxwriter raises ``FileCreateError(oserror)`` from inside ``except OSError``.
    """
    if isinstance(exc, OSError):
        return exc
    inner = exc.__context__
    if isinstance(inner, OSError) and exc.args and exc.args[0] is inner:
        return inner
    return None


def _release_writer(exc: BaseException) -> None:
    """Close now, quietly, the files of a writer that a write error cut short.

    A zip writer (openpyxl, xlsxwriter) stopped by a full disk is left open in
    the frames of the traceback; when it is freed later its ``__del__`` tries to
    write again and prints "Exception ignored ... Traceback" for the same error
    the user is told about. Its frames are cleared here and collected, with
    that one kind of noise (an OSError while finalising) silenced.
    """
    previous = sys.unraisablehook

    def quiet(unraisable) -> None:
        if not isinstance(unraisable.exc_value, OSError):
            previous(unraisable)

    sys.unraisablehook = quiet
    try:
        seen = exc
        while seen is not None:
            traceback.clear_frames(seen.__traceback__)
            seen = seen.__context__
        gc.collect()
    finally:
        sys.unraisablehook = previous


def atomic_write_bytes(target: Path | str, data: bytes) -> None:
    """Write bytes to ``target`` atomically."""
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)


def atomic_write_text(target: Path | str, text: str, encoding: str = "utf-8") -> None:
    """Write text to ``target`` atomically."""
    atomic_write_bytes(target, text.encode(encoding))


#: What the copy of a file kept at a re-issue is called: ``NAME (før genudsendelse 2026-03-01).xlsx``,
#: with ``, 2``, ``, 3`` ... after the date when that name is taken too.
KEPT_LABEL = "før genudsendelse"
_KEPT = re.compile(rf" \({KEPT_LABEL} \d{{4}}-\d{{2}}-\d{{2}}(, \d+)?\)\.[^.]+$")


def kept_name(target: Path, day: dt.date) -> Path:
    """The first free name for the copy of ``target`` kept on ``day`` (see :data:`KEPT_LABEL`)."""
    for n in itertools.count(1):
        label = f"{KEPT_LABEL} {day.isoformat()}" + (f", {n}" if n > 1 else "")
        candidate = target.with_name(f"{target.stem} ({label}){target.suffix}")
        if not candidate.exists() and not candidate.is_symlink():
            return candidate
    raise AssertionError("unreachable")


def is_kept_copy(name: str) -> bool:
    """Whether ``name`` is a copy :func:`keep_copy` kept under a :func:`kept_name`."""
    return _KEPT.search(name) is not None


def keep_copy(source: Path, copy: Path) -> None:
    """Keep ``source`` as ``copy`` too, never replacing a file already at ``copy``.

    A hard link where the file system has them (instant, no extra space; the
    original is replaced by a rename later, so the link keeps the old content),
    else a whole copy written atomically.
    """
    try:
        os.link(source, copy)
    except FileExistsError:
        raise
    except OSError:  # no hard links here (some network drives, FAT)
        with atomic_path(copy) as tmp:
            shutil.copyfile(source, tmp)


def safe_text(value: object) -> object:
    """Text that would start a formula gets a leading apostrophe-free guard.

    Strings beginning with ``=``, ``+``, ``-``, ``@``, tab or CR are prefixed
    with a single quote character, which spreadsheets show as text. Numbers and
    other values pass through unchanged. Writers must also store strings as
    string cells (openpyxl: set ``cell.data_type = "s"``; xlsxwriter:
    ``write_string``), so this guard matters most for CSV output.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
