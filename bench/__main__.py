"""``python -m bench`` (``make bench``): every performance target of issues 7 and 18, as ratios.

Each measure runs the work and its baseline side by side, alternating, at
least three times, and reports medians, spreads and the ratio of medians: the
machines are shared and noisy, so only ratios within one run mean anything.
Where the work reads workbooks, a third process reads the same sheets with
fastexcel into Arrow (the physical floor: no Python object per cell), and the
last column says how far the product is from it.
Options: ``--quick`` (smaller sizes, for a smoke run), ``--runs N``,
``--no-scaling`` (skip the 10k/100k/1M curve and the 1M rows), ``--only NAME``,
``--markdown FILE`` (the tables as markdown; ``python -m bench.publish FILE``).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
ENV = {**os.environ, "XLWINGS_LICENSE_KEY": os.environ.get("XLWINGS_LICENSE_KEY", "noncommercial")}


def compile_project() -> None:
    """Byte-compile the project's packages once, as installing it would.

    Where ``PYTHONDONTWRITEBYTECODE`` is set (it is on these machines) every measured
    process would otherwise compile the project's modules from source again (37 modules,
    about 40 ms of a ``validate``), while the baselines' libraries come compiled from
    their wheels. The files land in ``__pycache__`` (ignored by git).
    """
    import compileall

    for package in ("itbudget", "addin", "udfs", "workbook_templates"):
        compileall.compile_dir(ROOT / package, quiet=2)


def timed_process(cmd: list[str], cwd: Path | None = None) -> float:
    t = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - t
    if proc.returncode not in (0, 1):
        raise SystemExit(f"bench: {' '.join(cmd[:4])} ... failed ({proc.returncode}):\n"
                         f"{proc.stderr.decode(errors='replace')[-2000:]}")
    return elapsed


def peak_rss_mb(cmd: list[str]) -> tuple[float, float]:
    """Peak resident memory (MB) and wall time (s) of one process, measured from a fresh parent."""
    probe = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
             "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); "
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, time.perf_counter() - t)")
    out = subprocess.run([PY, "-c", probe, *cmd], env=ENV, capture_output=True, text=True, check=True)
    rss, seconds = out.stdout.split()
    return int(rss) / 1024, float(seconds)


def side_by_side(subject, baseline, runs: int, floor=None):
    """Subject and baseline (and the fastexcel floor, if given) run in turn, ``runs`` times."""
    s, b, f = [], [], []
    for _ in range(runs):
        b.append(baseline())
        if floor is not None:
            f.append(floor())
        s.append(subject())
    return (s, b, f) if floor is not None else (s, b)


def calamine_read(paths: list[Path]) -> list[str]:
    """A fresh process reading the bookings sheet of each file with python-calamine (the baseline)."""
    return [PY, "-c", "import python_calamine as pc, sys\nfor p in sys.argv[1:]:\n"
            "    pc.load_workbook(p).get_sheet_by_name('Bogføringer').to_python()", *map(str, paths)]


def fastexcel_read(paths: list[Path]) -> list[str]:
    """A fresh process reading the same sheets with fastexcel into Arrow (the floor: no Python object per cell)."""
    return [PY, "-c", "import fastexcel, sys\nfor p in sys.argv[1:]:\n"
            "    fastexcel.read_excel(p).load_sheet('Bogføringer', eager=True)", *map(str, paths)]


class Table:
    """The results table: one row a measure, printed as soon as it is measured (and kept for --markdown)."""

    HEAD = ("| work | itbudget | baseline | ratio | target | | from the fastexcel read |\n"
            "|---|---|---|---|---|---|---|")

    def __init__(self):
        self.missed: list[str] = []
        self.lines: list[str] = []

    @staticmethod
    def fmt(xs):
        return f"{statistics.median(xs):.3f} s ({min(xs):.3f}-{max(xs):.3f})"

    def _row(self, cells: list[str]) -> None:
        line = "| " + " | ".join(cells) + " |"
        self.lines.append(line)
        print(line, flush=True)

    def _verdict(self, name: str, ok: bool) -> str:
        if not ok:
            self.missed.append(name)
        return "OK" if ok else "MISSED"

    @staticmethod
    def _floor(s, floor) -> str:
        if not floor:
            return ""
        return f"{statistics.median(s) / statistics.median(floor):.2f}x of {statistics.median(floor):.3f} s"

    def add(self, name, baseline, target, s, b, floor=None):
        """A timed measure against its baseline: ratio of medians vs the target ratio."""
        ratio = statistics.median(s) / statistics.median(b)
        self._row([name, self.fmt(s), f"{baseline}: {self.fmt(b)}", f"{ratio:.2f}x", f"<= {target}x",
                   self._verdict(name, ratio <= target), self._floor(s, floor)])

    def compare(self, name, baseline, s, b, floor=None):
        """A measure without a target of its own (shown for context): the ratio only."""
        ratio = statistics.median(s) / statistics.median(b)
        self._row([name, self.fmt(s), f"{baseline}: {self.fmt(b)}", f"{ratio:.2f}x", "(no target)", "",
                   self._floor(s, floor)])

    def limit(self, name, value, unit, target):
        """A measure with an absolute limit (peak memory)."""
        self._row([name, f"{value:.0f} {unit}", "", "", f"<= {target} {unit}",
                   self._verdict(name, value <= target), ""])

    def bound(self, name, ratio, baseline, target, value=""):
        """A ratio measured inside another tool's run (bench/fairness.py) against an upper bound."""
        self._row([name, value, baseline, f"{ratio:.2f}x", f"<= {target}x", self._verdict(name, ratio <= target), ""])

    def note(self, name, value, baseline, ratio):
        """A ratio shown for context, without a target."""
        self._row([name, value, baseline, f"{ratio:.2f}x", "(no target)", "", ""])


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB, Python {platform.python_version()}"


def versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    out = []
    for name in ("pandas", "numpy", "python-calamine", "fastexcel", "pyarrow"):
        try:
            out.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            pass
    return ", ".join(out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-scaling", action="store_true")
    ap.add_argument("--only", default="")
    ap.add_argument("--markdown", metavar="FILE", type=Path,
                    help="also write the tables as markdown to FILE (python -m bench.publish FILE "
                         "puts them into README.md and docs/performance.md)")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    compile_project()
    from bench import generate

    q = args.quick
    n_validate = 20_000 if q else 200_000
    n_files, per_file = (10, 2000) if q else (100, 2000)
    n_rules = 100_000 if q else 1_000_000
    n_issue = 20 if q else 200
    work = Path(tempfile.mkdtemp(prefix="itbudget-bench-"))
    table = Table()
    head = (f"Machine: {machine()}\nVersions: {versions()}\nRuns per measure: {args.runs} (median, min-max); "
            "the project byte-compiled first, as an install would\n")
    print(head)
    if q:
        print("--quick: smoke-test sizes. At these sizes starting Python and pandas dominates, so the\n"
              "ratios are not the targets' measure; run without --quick for the table in the README.\n")
    print(Table.HEAD)
    want = lambda name: not args.only or args.only in name  # noqa: E731
    scaled: list[str] = []
    try:
        if want("validate") or want("memory"):
            demo = generate.municipality(n_validate)
            master = generate.write_master(demo, work / "stamdata.xlsx")
            book = generate.write_bookings_xlsx(demo.all_bookings()[:n_validate], work / "bogf.xlsx")
            cmd = [PY, "-m", "itbudget.cli", "validate", str(book), "--master", str(master), "--format", "json"]
            base, floor = calamine_read([book]), fastexcel_read([book])
            if want("validate"):
                s, b, f = side_by_side(lambda: timed_process(cmd), lambda: timed_process(base), args.runs,
                                       lambda: timed_process(floor))
                table.add(f"validate {n_validate:,} rows, ~1 % findings (whole process, JSON)", "calamine read",
                          1.0, s, b, f)
                # Nearly every row a finding (issue 18): the messages and their JSON are the work.
                unfunded = generate.write_master_without_budgets(demo, work / "stamdata_0.xlsx")
                wrong = [*cmd[:-4], "--master", str(unfunded), "--format", "json"]
                s, b, f = side_by_side(lambda: timed_process(wrong), lambda: timed_process(base), args.runs,
                                       lambda: timed_process(floor))
                table.add(f"validate {n_validate:,} rows, nearly every row a finding", "calamine read",
                          1.5, s, b, f)
            if want("memory"):
                rss = max(peak_rss_mb(cmd)[0] for _ in range(args.runs))
                table.limit(f"peak RSS validating {n_validate:,} rows", rss, "MB", 1024)

        if want("consolidate"):
            demo = generate.municipality(n_files * per_file)
            master = generate.write_master(demo, work / "stamdata_c.xlsx")
            folder = work / "returned"
            paths = generate.split_into_workbooks(demo.all_bookings()[:n_files * per_file], n_files, folder)
            out = work / "konsolidering.xlsx"
            cmd = [PY, "-m", "itbudget.cli", "consolidate", str(folder), "--master", str(master),
                   "-o", str(out), "--format", "json"]
            base, floor = calamine_read(paths), fastexcel_read(paths)
            s, b, f = side_by_side(lambda: timed_process(cmd), lambda: timed_process(base), args.runs,
                                   lambda: timed_process(floor))
            table.add(f"consolidate {n_files} workbooks x {per_file:,} rows", "serial calamine reads", 1.2,
                      s, b, f)
            # Finance's whole run: the consumption lists too, on every core against one.
            lists = [*cmd, "--lists", str(work / "lister")]
            s, b = side_by_side(lambda: timed_process(lists),
                                lambda: timed_process([*lists, "--workers", "1"]), args.runs)
            table.compare(f"consolidate {n_files} workbooks with --lists", "one process (--workers 1)", s, b)

        if want("rules"):
            rules_measure(table, n_rules, args.runs)

        if want("udf"):
            udf_measure(table, 2_000 if q else 10_000, args.runs)

        if want("issue"):
            issue_measure(table, generate, n_issue, work, args.runs)

        if want("fairness"):
            fairness_measure(table, q)

        if not args.no_scaling and want("scaling"):
            scaled = scaling(table, generate, work, [10_000, 100_000] if q else [10_000, 100_000, 1_000_000],
                             args.runs)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    verdict = "All targets met." if not table.missed else f"Missed: {', '.join(table.missed)}"
    print(f"\n{verdict}")
    if args.markdown:
        args.markdown.write_text(
            f"{head}\n{Table.HEAD}\n" + "\n".join(table.lines) + "\n\n"
            + ("\n".join(scaled) + "\n\n" if scaled else "") + f"{verdict}\n", encoding="utf-8")
    return 0


def rules_measure(table: Table, n: int, runs: int) -> None:
    import numpy as np

    from bench import generate
    from itbudget.bookings import BOOKING_HEADERS, bookings_frame
    from itbudget.reading import build_table
    from itbudget.validation import validate

    demo = generate.municipality(n)
    rows = demo.all_bookings()[:n]
    frame = bookings_frame(build_table("mem", "Bogføringer", [list(BOOKING_HEADERS)] + rows, 1,
                                       ["Dato", "Omkostningssted", "Konto", "Beløb"], list(BOOKING_HEADERS)))
    master = demo.master()
    del rows

    def subject():
        t = time.perf_counter()
        validate(frame, master)
        return time.perf_counter() - t

    def baseline():
        t = time.perf_counter()
        frame.groupby(["cost_centre", "account"], sort=False)["amount"].cumsum()
        return time.perf_counter() - t

    s, b = side_by_side(subject, baseline, runs)
    # Issue 7's 5x was retired by issue 18 (a tuned Polars version of the same rules is 24x): context only.
    table.compare(f"rules alone, {n:,} bookings in memory", "groupby cumsum", s, b)
    assert np.isfinite(statistics.median(s))


def udf_measure(table: Table, n: int, runs: int) -> None:
    path = ROOT / "bench" / "bench_udf.py"
    if not path.exists():
        print("| ITB.VALIDER via server | skipped: bench/bench_udf.py missing | | | | |")
        table.missed.append("ITB.VALIDER via server (not measured)")
        return
    proc = subprocess.run([PY, str(path), "--rows", str(n), "--runs", str(max(3, runs)), "--json"],
                          env=ENV, capture_output=True, text=True)
    if proc.returncode != 0:
        print(f"| ITB.VALIDER via server | failed: {proc.stderr.strip()[-300:]} | | | | |")
        table.missed.append("ITB.VALIDER via server (failed)")
        return
    import json

    data = json.loads(proc.stdout.strip().splitlines()[-1])
    table.add(f"ITB.VALIDER {n:,} rows via itbudget serve (HTTP)", "core in process", 1.5,
              data["server"], data["core"])


def fairness_measure(table: Table, quick: bool) -> None:
    """bench/fairness.py: concurrent calls against in-process work / cores, a small call beside a large one."""
    sizes = ["--calls", "10", "--rows", "2000", "--large", "20000", "--small", "1000"] if quick else []
    proc = subprocess.run([PY, str(ROOT / "bench" / "fairness.py"), *sizes, "--json"], env=ENV,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        print(f"| server fairness | failed: {(proc.stderr or proc.stdout).strip()[-300:]} | | | | |")
        table.missed.append("server fairness (failed)")
        return
    import json

    data = json.loads(proc.stdout.strip().splitlines()[-1])
    c, f = data["concurrency"], data["fairness"]
    base = f"in process x {c['calls']} / {c['cores']} cores"
    table.bound(f"{c['calls']} concurrent ITB.VALIDER x {c['rows']:,} rows, p95", c["p95_ratio"],
                f"{base} = {c['baseline_s']:.1f} s", 1.5, f"{c['p95_s']:.1f} s")
    table.note(f"{c['calls']} concurrent ITB.VALIDER x {c['rows']:,} rows, p50", f"{c['p50_s']:.1f} s",
               f"{base} = {c['baseline_s']:.1f} s", c["p50_ratio"])
    table.bound(f"{f['small_rows']:,}-row call while a {f['large_rows']:,}-row call runs",
                f["ratio"], f"the large call: {f['large_s']:.1f} s", 0.25, f"{f['small_s']:.2f} s")


def issue_measure(table: Table, generate, n_holders: int, work: Path, runs: int) -> None:
    import openpyxl
    import python_calamine as pc

    from workbook_templates.stamdata import write_master_workbook

    demo = generate.municipality(10_000)
    master = write_master_workbook(generate.scaled_master_sheets(demo, n_holders), work / "stamdata_i.xlsx")
    out = work / "issued"
    cmd = [PY, "-m", "itbudget.cli", "issue", str(master), str(out)]
    timed_process(cmd)
    # The baseline writes the same cell values with plain openpyxl, no styling.
    contents = []
    for p in sorted(out.glob("*.xlsx")):
        wb = pc.load_workbook(str(p))
        contents.append({name: wb.get_sheet_by_name(name).to_python() for name in wb.sheet_names})
    plain = work / "plain"
    plain.mkdir(exist_ok=True)

    def baseline():
        t = time.perf_counter()
        for k, sheets in enumerate(contents):
            wb = openpyxl.Workbook()
            wb.remove(wb.active)
            for name, rows in sheets.items():
                ws = wb.create_sheet(name[:31])
                for r in rows:
                    ws.append(r)
            wb.save(plain / f"{k}.xlsx")
        return time.perf_counter() - t

    def subject():
        shutil.rmtree(out, ignore_errors=True)
        return timed_process(cmd)

    s, b = side_by_side(subject, baseline, runs)
    table.add(f"issue {n_holders} holder workbooks", "plain openpyxl", 1.5, s, b)


def scaling(table: Table, generate, work: Path, sizes: list[int], runs: int) -> list[str]:
    """Validate and consolidate at growing sizes; the largest validate's peak memory and its cost
    per 1,000 bookings against the next size's (linear scaling) become rows of the table."""
    lines = ["Scaling (whole process, reading included; median of the runs for validate, one run for "
             "consolidate):", "", "| bookings | validate | per 1k | fastexcel read | consolidate | per 1k |",
             "|---|---|---|---|---|---|"]
    print("\n" + "\n".join(lines[:1] + lines[2:]))
    per_k, peak = {}, 0.0
    for n in sizes:
        demo = generate.municipality(n)
        master = generate.write_master(demo, work / f"stamdata_{n}.xlsx")
        rows = demo.all_bookings()[:n]
        book = generate.write_bookings_xlsx(rows, work / f"bogf_{n}.xlsx")
        cmd = [PY, "-m", "itbudget.cli", "validate", str(book), "--master", str(master), "--format", "json"]
        measured = [peak_rss_mb(cmd) for _ in range(runs if n >= 100_000 else 1)]
        tv = statistics.median(t for _, t in measured)
        peak = max(r for r, _ in measured)
        tf = timed_process(fastexcel_read([book]))
        folder = work / f"scal_{n}"
        generate.split_into_workbooks(rows, 20, folder)
        tc = timed_process([PY, "-m", "itbudget.cli", "consolidate", str(folder), "--master", str(master),
                            "-o", str(work / f"k_{n}.xlsx"), "--format", "json"])
        per_k[n] = tv / n * 1000
        line = (f"| {n:,} | {tv:.2f} s | {tv / n * 1000 * 1000:.1f} ms | {tf:.2f} s | {tc:.2f} s | "
                f"{tc / n * 1000 * 1000:.1f} ms |")
        lines.append(line)
        print(line, flush=True)
        book.unlink()
        shutil.rmtree(folder)
    big, before = sizes[-1], sizes[-2]
    print()
    table.limit(f"peak RSS validating {big:,} rows", peak, "MB", 1024)
    table.bound(f"validate {big:,} rows: cost per 1,000 against {before:,} (linear scaling)",
                per_k[big] / per_k[before], f"{per_k[before] * 1000:.1f} ms per 1,000 at {before:,}", 1.25,
                f"{per_k[big] * 1000:.1f} ms per 1,000")
    return lines


if __name__ == "__main__":
    sys.exit(main())
