"""Master data cached by a hash of its content, for the long-running Excel adapters.

A worksheet function recalculates on every edit; re-reading and re-checking
unchanged master data each time would make Excel wait. The worksheet functions
(:mod:`udfs.masterdata`) and the macros (:mod:`addin.workbook`) share one cache,
so the server's master data file is read once until its content changes.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Callable

from .errors import UnusableInput
from .master import MasterData, load_master
from .settings import Settings

_MAX_CACHED = 8

_lock = threading.Lock()
_by_hash: "OrderedDict[str, MasterData]" = OrderedDict()
_file_sig: dict[str, tuple[tuple[int, int], str]] = {}


def cached(key: str, build: Callable[[], MasterData]) -> MasterData:
    """The master data cached under ``key``, else ``build()``'s, remembered."""
    with _lock:
        hit = _by_hash.get(key)
        if hit is not None:
            _by_hash.move_to_end(key)
            return hit
    master = build()
    with _lock:
        _by_hash[key] = master
        _by_hash.move_to_end(key)
        while len(_by_hash) > _MAX_CACHED:
            _by_hash.popitem(last=False)
    return master


def master_from_file(path: Path | str) -> MasterData:
    """Master data from a file, re-read only when its content hash changes."""
    path = Path(path)
    try:
        st = path.stat()
    except OSError:
        raise UnusableInput(f"{path.name}: stamdatafilen findes ikke.") from None
    sig = (st.st_mtime_ns, st.st_size)
    known = _file_sig.get(str(path))
    if known is not None and known[0] == sig:
        digest = known[1]
    else:
        digest = "file:" + hashlib.sha256(path.read_bytes()).hexdigest()
        _file_sig[str(path)] = (sig, digest)
    return cached(digest, lambda: load_master(path))


def server_master(settings: Settings) -> MasterData:
    """The master data the server was started with; a Danish refusal when it has none."""
    if settings.stamdata:
        return master_from_file(settings.stamdata)
    raise UnusableInput(
        "Ingen stamdata: angiv stamdataområderne som ekstra argumenter (fx Stamdata_Indstillinger; "
        "Stamdata_Kontoplan; ...), eller start serveren med 'itbudget serve --master STAMDATA'.")


def clear_cache() -> None:
    """Forget every cached master (tests)."""
    with _lock:
        _by_hash.clear()
        _file_sig.clear()


__all__ = ["cached", "clear_cache", "master_from_file", "server_master"]
