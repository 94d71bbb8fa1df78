"""Process tuning (itbudget.runtime) does what its measurements in docs/performance.md rely on.

Each check runs in a fresh interpreter: the tuning is process-wide and must not leak into the suite.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from itbudget.runtime import SERVER_GC_YOUNG

ROOT = Path(__file__).resolve().parents[1]


def _run(code: str) -> str:
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout.strip()


def test_long_running_freezes_start_up_and_collects_young_objects_less_often():
    out = _run("import gc\nfrom itbudget import runtime\nbefore = gc.get_threshold()\n"
               "runtime.long_running()\nprint(before[0], gc.get_threshold()[0], gc.get_threshold()[1:] == before[1:],"
               " gc.get_freeze_count() > 0)")
    assert out == f"700 {SERVER_GC_YOUNG} True True"


def test_arrow_allocates_from_the_c_library_after_the_switch():
    out = _run("import pyarrow as pa\nfrom itbudget import runtime\nbefore = pa.default_memory_pool().backend_name\n"
               "runtime.arrow_on_system_allocator()\nprint(before, pa.default_memory_pool().backend_name)")
    before, after = out.split()
    assert after == "system" and before != "system"


def test_the_server_process_is_tuned_when_uvicorn_builds_it(tmp_path):
    from conftest import small_master_sheets, write_workbook

    master = write_workbook(tmp_path / "m.xlsx", small_master_sheets())
    code = ("import gc, os\nos.environ.update(XLWINGS_ON_SERVER='true', XLWINGS_LICENSE_KEY='noncommercial', "
            f"ITBUDGET_DEV='1', ITBUDGET_STAMDATA={str(master)!r})\n"
            "from addin.server import app_from_environment\napp_from_environment()\n"
            "print(gc.get_threshold()[0], gc.get_freeze_count() > 0)")
    assert _run(code) == f"{SERVER_GC_YOUNG} True"
