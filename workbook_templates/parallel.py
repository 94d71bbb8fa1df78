"""Writing many workbooks on every core: a process pool around one writer function.

Used for the holder workbooks (``itbudget issue``) and the consumption lists
(``itbudget consolidate --lists``): both are many independent files written
from one shared, read-only object (the master data, the consolidation).

The shared object reaches each worker once, as it starts: with fork it is
inherited (not copied), with spawn (Windows, macOS) it is pickled once per
worker, not per file. Each file is still written atomically by the writer; the
paths come back in job order; the first file that cannot be written stops the
run with an :class:`~itbudget.errors.UnusableInput` naming it, files already
complete are kept, and temporary files of files cut short are removed.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import gc
import multiprocessing
import signal
from pathlib import Path
from typing import Callable

from itbudget.errors import ItbudgetError, UnusableInput
from itbudget.files import usable_cores
from itbudget.runtime import gc_frozen

#: ``writer(shared, job) -> None``: writes the file ``job[-1]`` (a Path); raises ItbudgetError.
Writer = Callable[[object, tuple], None]


def pool_context():
    """How worker processes start: Python's default (fork on Linux, spawn on Windows and macOS)."""
    return multiprocessing.get_context()


def write_all(writer: Writer, shared: object, jobs: list[tuple], *, workers: int | None,
              min_jobs: dict[str, int], crashed: Callable[[tuple, BaseException], str],
              meanwhile: Callable[[], None] | None = None) -> list[Path]:
    """Write every job, with worker processes where they pay; the paths, in job order.

    ``workers``: at most this many processes (default: the cores this process
    may use). ``min_jobs``: the fewest jobs worth a pool, by start method
    (fork, spawn, forkserver); a method not listed never gets one. Without a
    pool (one core, few jobs, no process support) the jobs are written here,
    after ``meanwhile()``; with one, ``meanwhile()`` runs while the workers write.
    """
    workers = min(workers or usable_cores(), len(jobs))
    context = pool_context()
    threshold = min_jobs.get(context.get_start_method())
    if workers >= 2 and threshold is not None and len(jobs) >= threshold:
        written = write_in_workers(writer, shared, jobs, workers=workers, context=context,
                                   crashed=crashed, meanwhile=meanwhile)
        if written is not None:
            return written
    if meanwhile is not None:
        meanwhile()
    with gc_frozen():
        for job in jobs:
            writer(shared, job)
    return [job[-1] for job in jobs]


#: A worker's writer and shared object, set once as it starts.
_WORKER: tuple[Writer, object] | None = None


def _init_worker(writer: Writer, shared: object) -> None:
    global _WORKER
    _WORKER = (writer, shared)
    gc.freeze()  # as gc_frozen; with fork it also keeps the parent's memory shared
    # Ctrl-C is the parent's to handle: it lets running files finish and cancels the rest.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _worker_write(job: tuple) -> str | None:
    """Write one file in a worker: None, or the Danish message of why it could not."""
    writer, shared = _WORKER
    try:
        writer(shared, job)
    except ItbudgetError as exc:  # sent back as text: the exception itself need not pickle
        return str(exc)
    return None


def write_in_workers(writer: Writer, shared: object, jobs: list[tuple], *, workers: int,
                     context, crashed: Callable[[tuple, BaseException], str],
                     meanwhile: Callable[[], None] | None = None) -> list[Path] | None:
    """Write ``jobs`` with a pool of ``workers`` processes; None if no pool can be started here.

    ``writer`` must be a module-level function (spawn pickles it by name).
    ``crashed(job, exc)`` is the Danish message for a worker that died on ``job``.
    ``meanwhile()`` is run in this process while the workers write (not when
    None is returned); if it raises, files not yet started are cancelled and
    its exception propagates once running files are complete.
    """
    try:
        pool = cf.ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                      initializer=_init_worker, initargs=(writer, shared))
    except (OSError, NotImplementedError, ImportError):  # no process support (sandbox, no /dev/shm)
        return None
    futures: list[cf.Future] = []
    broken: BaseException | None = None
    try:
        try:
            for job in jobs:
                futures.append(pool.submit(_worker_write, job))
        except cf.BrokenExecutor as exc:  # a worker died already (or could not start)
            broken = exc
        if meanwhile is not None:
            meanwhile()
        for fut in cf.as_completed(futures):
            if fut.exception() is not None or fut.result() is not None:
                break  # stop writing: files not yet started are cancelled below
    finally:
        # On a failure or Ctrl-C: cancel what has not started, let running files finish.
        pool.shutdown(wait=True, cancel_futures=True)

    failures, unfinished = [], []
    for fut, job in zip(futures, jobs):
        if fut.cancelled():
            unfinished.append(job[-1])
        elif fut.exception() is not None:
            unfinished.append(job[-1])
            failures.append(crashed(job, fut.exception()))
        elif fut.result() is not None:
            unfinished.append(job[-1])
            failures.append(fut.result())
    if broken is not None:
        unfinished += [job[-1] for job in jobs[len(futures):]]
        failures.append(crashed(jobs[len(futures)], broken))
    if failures or unfinished:
        for path in unfinished:  # a worker that died mid-file leaves its temporary file
            remove_leftovers(path)
        raise UnusableInput(failures[0] if failures else "skrivningen blev afbrudt.")
    return [job[-1] for job in jobs]


def remove_leftovers(path: Path) -> None:
    """Remove :func:`~itbudget.writing.atomic_path`'s temporary files for ``path`` (``.NAME.*SUFFIX``)."""
    prefix = f".{path.name}."
    with contextlib.suppress(OSError):
        for entry in path.parent.iterdir():
            if entry.name.startswith(prefix) and entry.name.endswith(path.suffix):
                with contextlib.suppress(OSError):
                    entry.unlink()
