"""Put a ``python -m bench --markdown FILE`` run into README.md and docs/performance.md.

Usage::

    .venv/bin/python -m bench --runs 5 --markdown /tmp/bench.md
    .venv/bin/python -m bench.publish /tmp/bench.md

Each of the two documents has one generated block, between the lines
``<!-- bench:begin -->`` and ``<!-- bench:end -->``; it is replaced by the
file's tables, so both documents always show the same run. Nothing else in
them is touched (the prose around the block is written by hand).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
DOCUMENTS = (ROOT / "README.md", ROOT / "docs" / "performance.md")


def replace_block(text: str, block: str) -> str:
    """``text`` with its generated block replaced by ``block``; ValueError when it has none."""
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        raise ValueError(f"no {BEGIN} ... {END} block")
    return text[:start + len(BEGIN)] + "\n" + block.strip("\n") + "\n" + text[end:]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.publish", description=__doc__.splitlines()[0])
    ap.add_argument("markdown", type=Path, help="the file python -m bench --markdown wrote")
    args = ap.parse_args(argv)
    block = args.markdown.read_text(encoding="utf-8")
    for doc in DOCUMENTS:
        text = doc.read_text(encoding="utf-8")
        try:
            new = replace_block(text, block)
        except ValueError as exc:
            print(f"{doc.relative_to(ROOT)}: {exc}", file=sys.stderr)
            return 1
        doc.write_text(new, encoding="utf-8")
        print(f"{doc.relative_to(ROOT)}: updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
