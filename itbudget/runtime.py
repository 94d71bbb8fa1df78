"""Process tuning for the command line and the server, in one place: GC, read-ahead, fast exit.

None of this changes a result, only how long a one-shot command takes:

* :func:`bulk_reading` pauses the cyclic garbage collector while sheets become
  millions of Python objects that form no cycles;
* :func:`gc_frozen` keeps what exists out of collections while outputs are
  written (writing makes cyclic garbage, so the collector must keep running);
* :func:`read_ahead` starts reading a workbook on a second core while pandas
  is imported; :func:`itbudget.files.opened` hands the result to the reader;
* :func:`run_and_exit` ends the process once its output is flushed and exit
  handlers have run, without freeing a year's bookings one object at a time,
  and :func:`keep_until_exit` marks results that need not be freed at all;
* :func:`arrow_on_system_allocator` gives Arrow's buffers the C library's allocator;
* :func:`long_running` tunes the collector of a server process, which answers
  call after call and keeps only its start-up state.

Only the CLI edge (``itbudget.cli``, ``itbudget.commands``), the server's start-up
(``addin.server``) and the workbook writers' process pool use this module; the domain (ledger, rules, validation,
consolidation) does not know it exists. It imports nothing heavy.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import os
import sys
import threading
from pathlib import Path
from typing import Callable, NoReturn

from . import files


@contextlib.contextmanager
def bulk_reading():
    """Pause the cyclic garbage collector while a sheet's cells become Python objects.

    A 200,000-row sheet becomes millions of objects; the collector would scan the
    growing heap again and again although rows and frames form no cycles. For
    commands that run once and exit, not for the long-running server.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextlib.contextmanager
def gc_frozen():
    """Keep the objects that exist now out of garbage collection; new garbage is still collected.

    For writing outputs after a large read: each collection would otherwise
    walk every booking again (about 15 % of writing the consolidation
    workbook), and writing workbooks makes much cyclic garbage, so the collector
    cannot simply stay paused. Left alone if the caller has frozen objects.
    """
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def arrow_on_system_allocator() -> None:
    """Let pyarrow allocate from the C library's allocator instead of its bundled jemalloc.

    jemalloc keeps returning and faulting in pages while a large validation's
    columns come and go: validating 200,000 rows that are nearly all findings
    spent 0.7-1.0 s in the kernel with it and 0.5-0.6 s without (2.65 s against
    2.35 s in all), and the 1M-row peak RSS fell from 1008 to 982 MB. Imports
    pyarrow (pandas does anyway); call it after a read-ahead has started.
    """
    try:
        import pyarrow as pa
    except ImportError:  # the Arrow read path is optional
        return
    pa.set_memory_pool(pa.system_memory_pool())


#: Young objects allocated between two collections in a server process (CPython's default: 700).
SERVER_GC_YOUNG = 50_000


def long_running() -> None:
    """Tune the cyclic garbage collector of a server process, once, after start-up.

    What start-up built (modules, the master data, the app) is frozen out of every
    collection. A call then makes hundreds of thousands of objects (a parsed body,
    rows, frames) that form no cycles and are freed by reference counting; with
    CPython's default the collector ran every 700 of them and, with several calls in
    flight, walked every live call's objects again. 50 concurrent 10,000-row calls
    took 9.8 s of server CPU with the default and 7.3 s with this (``bench/fairness.py``).
    """
    gc.freeze()
    young, *older = gc.get_threshold()
    gc.set_threshold(max(young, SERVER_GC_YOUNG), *older)


class ReadAhead:
    """One workbook opened and one sheet read on a background thread.

    :meth:`result` waits for it and returns ``(book, {sheet: (rows, first_row)})`` (or
    ``{sheet: ArrowSheet}`` when ``arrow`` read it);
    the sheet is absent when the workbook has none by that name. An error in the
    thread (a refused or unreadable file) is raised again by :meth:`result`, in
    the caller's thread, as if the caller had opened the file itself.
    """

    def __init__(self, path: Path | str, sheet: str, arrow: Callable[[str], object] | None = None):
        self.path = Path(path)
        self.sheet = sheet
        self.arrow = arrow
        self._out: tuple | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="itbudget-read-ahead", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            book = files.open_workbook(self.path)
            name = files.find_sheet(book, self.sheet)
            if name is None:
                self._out = (book, {})
                return
            # fastexcel's Arrow columns where they read as python-calamine's rows would.
            read = self.arrow(name) if self.arrow is not None else None
            self._out = (book, {name: read if read is not None else files.sheet_rows(book, name, self.path.name)})
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            self._error = exc

    def result(self) -> tuple[object, dict[str, tuple[list[list], int]]]:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._out


def read_ahead(path: Path | str, sheet: str, arrow: Callable[[str], object] | None = None
               ) -> ReadAhead | None:
    """Start reading ``sheet`` of the workbook at ``path``; the next :func:`files.opened` of
    that path takes the result. None (nothing started) for a file that is not a workbook.

    ``arrow(sheet_name)``, if given, reads the sheet into Arrow first (an
    :class:`itbudget.files.ArrowSheet`, or None to read it with python-calamine)."""
    if Path(path).suffix.lower() not in files.WORKBOOK_SUFFIXES:
        return None
    ahead = ReadAhead(path, sheet, arrow)
    files.hand_over(path, ahead.result)
    return ahead


#: Results the process keeps until it ends (see :func:`keep_until_exit`); None
#: outside :func:`run_and_exit`, so a library caller (tests, the server) keeps nothing.
_kept: list | None = None
_exit_code: int | None = None


def keep_until_exit(value: object) -> None:
    """Never free ``value``: the process ends right after this command.

    Freeing 200,000 validated bookings one object at a time takes 35 ms for
    memory the operating system reclaims anyway. Outside :func:`run_and_exit`
    this does nothing.
    """
    if _kept is not None:
        _kept.append(value)


def _fast_exit() -> None:
    # Registered when this module is imported, so it runs after every exit handler
    # registered later (they run last-in, first-out): after multiprocessing has
    # joined its children and after the handlers a command or a library added.
    # Non-daemon threads have been waited for before any exit handler runs.
    if _exit_code is None:
        return
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # the reader went away, or the stream was closed
            pass
    os._exit(_exit_code)


atexit.register(_fast_exit)


def run_and_exit(main: Callable[[], int]) -> NoReturn:
    """Run ``main`` and end the process with its exit code, without tearing the interpreter down.

    A command that has finished leaves millions of objects (a year's bookings)
    and pandas' modules behind; freeing them one by one before the process ends
    took 0.1 s of a 2 s validation. The normal exit runs (threads are waited
    for, exit handlers run); only the interpreter's teardown after it is skipped.
    """
    global _kept, _exit_code
    _kept = []
    code = main()
    _exit_code = code
    sys.exit(code)
