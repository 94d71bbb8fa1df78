"""Record every output of the commands, and compare a later run with the record.

For refactors that must keep behaviour byte for byte (issue 13)::

    python -m bench.outputs record /work/golden13    # on the untouched code
    python -m bench.outputs compare /work/golden13   # after each step; exit 1 on a difference

Each command runs in a fresh ``python -m itbudget.cli`` process, in a work
folder, with relative paths (so nothing printed names the temporary folder):
the demo municipality, ``validate`` (text and JSON) of several returned holder
workbooks and of the CSV export, ``consolidate`` with ``--lists`` and JSON,
``invoices`` in JSON, ``issue`` of the demo's Stamdata, and the same
validate/consolidate over bench's generated data. Every file written, and each
command's stdout, stderr and exit code, is stored under ``DIR``.

Workbooks are compared part by part without ``docProps/core.xml`` (its time
stamp), as the performance work did (:func:`tests.conftest.workbook_parts`).
The one part of an output that follows the calendar is the consolidation
workbook's ``Dannet DD-MM-YYYY`` line (today's date); it is masked, and nothing
else is.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKBOOK = {".xlsx", ".xlsm"}
#: Bookings in bench's generated municipality (validate and consolidate run in seconds).
BENCH_BOOKINGS = 20_000
BENCH_FILES = 4
#: The only calendar-dependent text in any output (workbook_templates/consolidation.py).
_TODAY = re.compile(rb"Dannet \d\d-\d\d-\d{4}")


def _itbudget(*args: str) -> list[str]:
    return [sys.executable, "-m", "itbudget.cli", *args]


def _generate_bench(work: Path) -> None:
    """bench's generated municipality: Stamdata and the bookings split into workbooks."""
    code = ("import sys; from pathlib import Path; from bench import generate\n"
            f"d = generate.municipality({BENCH_BOOKINGS})\n"
            "generate.write_master(d, Path('bench/stamdata.xlsx'))\n"
            f"generate.split_into_workbooks(d.all_bookings()[:{BENCH_BOOKINGS}], {BENCH_FILES}, "
            "Path('bench/returneret'))\n")
    (work / "bench").mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-c", code], cwd=work, env=env, check=True)


def _runs(work: Path) -> list[tuple[str, list[str]]]:
    """The commands after the demo, each with a name for its stored stdout/stderr/exit code."""
    returned = sorted(p.name for p in (work / "demo" / "returneret").iterdir()
                      if p.suffix.lower() in WORKBOOK | {".csv"} and not p.name.startswith("~$"))
    chosen = returned[:3] + returned[-2:]  # several holders, and the CSV export if it sorts last
    if not any(n.endswith(".csv") for n in chosen):
        chosen += [n for n in returned if n.endswith(".csv")][:1]
    master = "demo/Stamdata.xlsx"
    runs = []
    for k, name in enumerate(chosen):
        path = f"demo/returneret/{name}"
        extra = ["--master", master] if name.endswith(".csv") else []
        runs.append((f"validate_{k}_text", _itbudget("validate", path, *extra)))
        runs.append((f"validate_{k}_json", _itbudget("validate", path, *extra, "--format", "json")))
    runs += [
        ("consolidate_json", _itbudget("consolidate", "demo/returneret", "--master", master,
                                       "-o", "out/Konsolidering.xlsx", "--lists", "out/lister",
                                       "--format", "json")),
        ("consolidate_text", _itbudget("consolidate", "demo/returneret", "--master", master,
                                       "-o", "out/Konsolidering_tekst.xlsx")),
        ("invoices_json", _itbudget("invoices", "demo/returneret", "--master", master,
                                    "--bookings", "demo/returneret", "--format", "json")),
        ("issue", _itbudget("issue", master, "out/udsendt")),
    ]
    bench_books = sorted((work / "bench" / "returneret").iterdir())
    first = f"bench/returneret/{bench_books[0].name}"
    runs += [
        ("bench_validate_text", _itbudget("validate", first, "--master", "bench/stamdata.xlsx")),
        ("bench_validate_json", _itbudget("validate", first, "--master", "bench/stamdata.xlsx",
                                          "--format", "json")),
        ("bench_consolidate_json", _itbudget("consolidate", "bench/returneret", "--master",
                                             "bench/stamdata.xlsx", "-o", "out/bench_konsolidering.xlsx",
                                             "--lists", "out/bench_lister", "--format", "json")),
    ]
    return runs


def _run(name: str, cmd: list[str], work: Path, streams: Path) -> None:
    done = subprocess.run(cmd, cwd=work, capture_output=True,
                          env={**os.environ, "XLWINGS_LICENSE_KEY": "noncommercial"})
    (streams / f"{name}.stdout").write_bytes(done.stdout)
    (streams / f"{name}.stderr").write_bytes(done.stderr)
    (streams / f"{name}.rc").write_text(f"{done.returncode}\n")


def record(target: Path) -> None:
    """Run everything in a fresh work folder and store the outputs at ``target``."""
    work = Path(tempfile.mkdtemp(prefix="itbudget-outputs-"))
    try:
        streams = work / "_streams"
        streams.mkdir()
        _run("demo", _itbudget("demo", "demo"), work, streams)
        _generate_bench(work)
        (work / "out").mkdir()
        for name, cmd in _runs(work):
            _run(name, cmd, work, streams)
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(work, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _comparable(path: Path) -> dict[str, bytes]:
    """A file as its comparable parts: a workbook's parts, or the whole file as one part."""
    if path.suffix.lower() in WORKBOOK and zipfile.is_zipfile(path):  # not Excel's lock file
        sys.path.insert(0, str(ROOT))
        from tests.conftest import workbook_parts

        parts = workbook_parts(path)
    else:
        parts = {"": path.read_bytes()}
    return {k: _TODAY.sub(b"Dannet <i dag>", v) for k, v in parts.items()}


def differences(a: Path, b: Path) -> list[str]:
    """Every file or part that differs between two records (empty when identical)."""
    files_a = {p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file()}
    files_b = {p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file()}
    out = [f"only in {a}: {n}" for n in sorted(files_a - files_b)]
    out += [f"only in {b}: {n}" for n in sorted(files_b - files_a)]
    for name in sorted(files_a & files_b):
        pa, pb = _comparable(a / name), _comparable(b / name)
        for part in sorted(set(pa) | set(pb)):
            if pa.get(part) != pb.get(part):
                out.append(f"differs: {name}" + (f" [{part}]" if part else ""))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.outputs", description=__doc__.split("\n")[0])
    ap.add_argument("action", choices=["record", "compare"])
    ap.add_argument("directory", type=Path)
    args = ap.parse_args(argv)
    if args.action == "record":
        record(args.directory)
        print(f"Recorded in {args.directory}")
        return 0
    fresh = Path(tempfile.mkdtemp(prefix="itbudget-outputs-now-")) / "now"
    try:
        record(fresh)
        diff = differences(args.directory, fresh)
    finally:
        shutil.rmtree(fresh.parent, ignore_errors=True)
    files = sum(1 for p in args.directory.rglob("*") if p.is_file())
    print("\n".join(diff) if diff else f"Identical: {files} files.")
    print(json.dumps({"files": files, "differences": len(diff)}))
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main())
