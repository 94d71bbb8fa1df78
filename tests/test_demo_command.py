"""`itbudget demo` as `make demo` runs it: every step's output is there and says what it should."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from itbudget.cli import main


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "demo_output"
    assert main(["demo", str(out)]) == 0
    return out


def test_demo_writes_every_output_it_announces(demo_dir):
    assert (demo_dir / "Stamdata.xlsx").is_file()
    assert (demo_dir / "Konsolidering.xlsx").is_file()
    issued = sorted(p.name for p in (demo_dir / "udsendt").glob("*.xlsx"))
    assert len(issued) == 32 and issued[0].startswith("H01 ")
    lists = list((demo_dir / "forbrugslister").glob("*.xlsx"))
    assert len(lists) == 32
    returned = demo_dir / "returneret"
    assert len(list(returned.glob("*.csv"))) == 1
    assert len(list(returned.glob("~$*"))) == 1  # the lock file finance must skip
    assert {p.name for p in (demo_dir / "skabeloner").glob("*.xlsx")} >= {
        "Stamdata.xlsx", "Projektskema.xlsx", "Aftaleholder (skabelon).xlsx"}


def test_demo_invoices_flag_the_planted_mistakes(demo_dir):
    returned = demo_dir / "returneret"
    proc = subprocess.run(
        [sys.executable, "-m", "itbudget.cli", "invoices", str(returned), "--master",
         str(demo_dir / "Stamdata.xlsx"), "--bookings", str(returned), "--format", "json"],
        capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    by_id = {i["id"]: {f["rule"] for f in i["findings"]} for i in json.loads(proc.stdout)["invoices"]}
    assert "ITB009" in by_id["FORKERT-EAN-1"]      # mistyped check digit
    assert "ITB010" in by_id["FREMMED-STED-1"]     # another holder's cost centre
    assert "ITB015" in by_id["UBOGFOERT-1"]        # never booked
    sampled = [k for k in by_id if k not in ("FORKERT-EAN-1", "FREMMED-STED-1", "UBOGFOERT-1")]
    assert len(sampled) >= 50
    # The sampled invoices were made from bookings, so nearly all of them match one.
    unmatched = [k for k in sampled if "ITB015" in by_id[k]]
    assert len(unmatched) <= len(sampled) // 10, unmatched


def test_demo_consolidation_reads_every_returned_workbook(demo_dir):
    proc = subprocess.run(
        [sys.executable, "-m", "itbudget.cli", "consolidate", str(demo_dir / "returneret"),
         "--master", str(demo_dir / "Stamdata.xlsx"), "--format", "json"],
        capture_output=True, text=True, timeout=180)
    assert proc.returncode == 1, proc.stderr  # the demo plants errors on purpose
    sources = json.loads(proc.stdout)["sources"]
    books = [s for s in sources if s["file"].endswith((".xlsx", ".csv"))]
    assert [s["status"] for s in books].count("ok") == 32
    from itbudget.demo import build_demo

    expected = sum(len(rows) for rows in build_demo().bookings.values())
    assert sum(s["rows"] for s in books if s["status"] == "ok") == expected
    assert not [s for s in sources if s["status"] == "unreadable"]


def test_demo_imports_its_posting_list_and_finds_what_the_typed_workbook_finds(demo_dir):
    """The realistic export (cp1252, title lines, Debet/Kredit, Kolonnenavne headers), imported."""
    (export,) = (demo_dir / "eksport").glob("*.csv")
    raw = export.read_bytes()
    text = raw.decode("cp1252")
    assert text.startswith("Posteringsliste – Bakkedal Kommune\r\n") and "Debetbeløb;Kreditbeløb" in text
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    (imported,) = (demo_dir / "indlaest").glob("*.xlsx")

    def findings(path):
        proc = subprocess.run([sys.executable, "-m", "itbudget.cli", "validate", str(path),
                               "--format", "json"], capture_output=True, text=True, timeout=120)
        assert proc.returncode in (0, 1), proc.stderr
        return [(f["row"], f["rule"], f["message"]) for f in json.loads(proc.stdout)["findings"]]

    got = findings(imported)
    assert got and got == findings(demo_dir / "returneret" / imported.name)


# Common nouns and people's titles that Danish writes in lower case mid-sentence;
# sheet and column names keep their case and are quoted ('Fund') or listed as names.
_LOWER_MID_SENTENCE = re.compile(
    r"(?<=[a-zæøå0-9,)] )(Aftaleholder\w*|Budgetlinje\w*|Omkostningssted\w*|Konto(?:en|er|erne)?"
    r"|[A-ZÆØÅ][a-zæøå]*(?:leder|chef)|Direktør)\b")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


def test_demo_messages_write_titles_and_common_nouns_in_lower_case_mid_sentence(demo_dir, capsys):
    """Issue 15 point 11: validate and consolidate, JSON and text, as a finance officer reads them."""
    returned, master = demo_dir / "returneret", str(demo_dir / "Stamdata.xlsx")
    texts = []
    for args in (["consolidate", str(returned), "--master", master, "--format", "json"],
                 ["validate", str(returned / "H03 Bakkeskolen.xlsx"), "--format", "json"],
                 ["validate", str(returned / "H05 eksport fra økonomisystemet.csv"), "--master", master,
                  "--format", "json"]):
        assert main(args) == 1
        out = json.loads(capsys.readouterr().out)
        texts += [f["message"] for f in out["findings"]]
        texts += [f"{h['holder']} {h['name']} (kontaktperson {h['contact']})"
                  for h in out.get("missing_holders", [])]
    assert main(["consolidate", str(returned), "--master", master, "--all"]) == 1
    texts += capsys.readouterr().out.splitlines()
    assert len(texts) > 500
    wrong = sorted({m.group(0) for t in texts for m in _LOWER_MID_SENTENCE.finditer(_QUOTED.sub("", t))})
    assert wrong == [], [t for t in texts if _LOWER_MID_SENTENCE.search(_QUOTED.sub("", t))][:5]
