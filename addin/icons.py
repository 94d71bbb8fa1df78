"""The add-in's own icons, drawn by code: a blue tile with three white budget bars.

Office asks for 16, 32, 64 and 80 px icons (ribbon buttons, the add-in list,
the admin center). They are served by the server itself from
``addin/static/icons/`` so nothing is fetched from a third-party site and an
air-gapped municipal network still shows them. The PNG files are committed;
``python -m addin.icons`` redraws them, and a test checks the committed files
are exactly what this module draws. Pure Python (zlib), no imaging library.
"""

from __future__ import annotations

import struct
import sys
import zlib
from pathlib import Path

SIZES = (16, 32, 64, 80)
ICON_DIR = Path(__file__).resolve().parent / "static" / "icons"
BLUE = (31, 78, 121, 255)
WHITE = (255, 255, 255, 255)
CLEAR = (0, 0, 0, 0)
#: The bars as (left, right, top) in fractions of the tile; all stand on one baseline.
_BARS = ((0.20, 0.36, 0.52), (0.42, 0.58, 0.30), (0.64, 0.80, 0.42))
_BASELINE = 0.80


def icon_name(size: int) -> str:
    return f"itbudget-{size}.png"


def _pixel(x: float, y: float, radius: float) -> tuple[int, int, int, int]:
    # Rounded corners: outside the quarter circles the tile is transparent.
    cx = min(max(x, radius), 1 - radius)
    cy = min(max(y, radius), 1 - radius)
    if (x - cx) ** 2 + (y - cy) ** 2 > radius ** 2:
        return CLEAR
    for left, right, top in _BARS:
        if left <= x < right and top <= y < _BASELINE:
            return WHITE
    return BLUE


def draw(size: int) -> bytes:
    """The icon as PNG bytes, ``size`` × ``size`` pixels, RGBA."""
    rows = []
    for j in range(size):
        row = bytearray(b"\x00")  # filter type 0 for every scanline
        for i in range(size):
            row.extend(_pixel((i + 0.5) / size, (j + 0.5) / size, 0.18))
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b""))


def write_all(directory: Path = ICON_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for size in SIZES:
        path = directory / icon_name(size)
        path.write_bytes(draw(size))
        paths.append(path)
    return paths


if __name__ == "__main__":  # pragma: no cover - a developer's tool
    for written in write_all(Path(sys.argv[1]) if len(sys.argv) > 1 else ICON_DIR):
        print(written)
