"""A minimal writer of Microsoft compound files ([MS-CFB], version 3).

A ``vbaProject.bin`` is a compound file: a small file system of storages and
streams. Python's readers (olefile) cannot create one, so this module writes
it: 512-byte sectors, streams under 4096 bytes in the mini stream (64-byte
mini sectors) as the format requires, one FAT of at most 109 sectors (files up
to about 7 MB, far more than a VBA project needs), and each storage's children
in a balanced red-black tree ordered as [MS-CFB] 2.6.4 prescribes. Output is
deterministic: no timestamps, no random class ids.
"""

from __future__ import annotations

import struct

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
FREE, END, FAT_SECT, NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
_STORAGE, _STREAM, _ROOT = 1, 2, 5
_RED, _BLACK = 0, 1


class _Entry:
    def __init__(self, name: str, kind: int, data: bytes = b"") -> None:
        assert len(name) <= 31 and not set(name) & set("/\\:!"), name
        self.name, self.kind, self.data = name, kind, data
        self.children: dict[str, _Entry] = {}
        self.sid = 0
        self.left = self.right = self.child = NO_STREAM
        self.color = _BLACK
        self.start, self.size = END, 0

    def key(self) -> tuple[int, str]:
        # [MS-CFB] 2.6.4: shorter names first, then by upper-cased code points.
        return len(self.name), self.name.upper()


def _tree(nodes: list[_Entry], depth: int, deepest: list[int]) -> int:
    """Link ``nodes`` (sorted) as a balanced tree; returns the root's id."""
    if not nodes:
        return NO_STREAM
    mid = len(nodes) // 2
    node = nodes[mid]
    node.depth = depth
    deepest[0] = max(deepest[0], depth)
    node.left = _tree(nodes[:mid], depth + 1, deepest)
    node.right = _tree(nodes[mid + 1:], depth + 1, deepest)
    return node.sid


def _chain(fat: list[int], first: int, count: int) -> None:
    for i in range(count):
        fat[first + i] = first + i + 1 if i < count - 1 else END


def _sectors(n_bytes: int, size: int) -> int:
    return -(-n_bytes // size)


def compound_file(streams: dict[str, bytes]) -> bytes:
    """The compound file holding ``streams``, keyed by path (``"VBA/dir"``)."""
    root = _Entry("Root Entry", _ROOT)
    for path, data in streams.items():
        *storages, leaf = path.split("/")
        parent = root
        for name in storages:
            parent = parent.children.setdefault(name, _Entry(name, _STORAGE))
        assert leaf not in parent.children, path
        parent.children[leaf] = _Entry(leaf, _STREAM, data)
    entries = [root]
    queue = [root]
    while queue:
        node = queue.pop(0)
        for child in sorted(node.children.values(), key=_Entry.key):
            child.sid = len(entries)
            entries.append(child)
            queue.append(child)
    for node in entries:
        kids = sorted(node.children.values(), key=_Entry.key)
        deepest = [0]
        node.child = _tree(kids, 0, deepest)
        # Only the deepest level red: every path then has the same black height.
        for kid in kids:
            kid.color = _RED if deepest[0] > 0 and kid.depth == deepest[0] else _BLACK

    small = [e for e in entries if e.kind == _STREAM and len(e.data) < MINI_CUTOFF]
    large = [e for e in entries if e.kind == _STREAM and len(e.data) >= MINI_CUTOFF]
    mini = bytearray()
    minifat: list[int] = []
    for e in small:
        e.size = len(e.data)
        if not e.data:
            continue
        e.start = len(minifat)
        count = _sectors(len(e.data), MINI_SECTOR)
        minifat.extend([0] * count)
        _chain(minifat, e.start, count)
        mini += e.data.ljust(count * MINI_SECTOR, b"\0")

    n_dir = _sectors(len(entries) * 128, SECTOR)
    n_minifat = _sectors(len(minifat) * 4, SECTOR)
    n_mini = _sectors(len(mini), SECTOR)
    n_large = [_sectors(len(e.data), SECTOR) for e in large]
    body = n_dir + n_minifat + n_mini + sum(n_large)
    n_fat = 1
    while n_fat * SECTOR // 4 < n_fat + body:
        n_fat += 1
    assert n_fat <= 109, "a compound file this large needs DIFAT sectors"
    fat = [FREE] * (n_fat * SECTOR // 4)
    fat[:n_fat] = [FAT_SECT] * n_fat
    at = n_fat
    first_dir = at
    _chain(fat, at, n_dir)
    at += n_dir
    first_minifat = at if n_minifat else END
    _chain(fat, at, n_minifat)
    at += n_minifat
    if n_mini:
        root.start = at
        _chain(fat, at, n_mini)
    root.size = len(mini)
    at += n_mini
    for e, count in zip(large, n_large):
        e.start, e.size = at, len(e.data)
        _chain(fat, at, count)
        at += count

    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII", bytes.fromhex("D0CF11E0A1B11AE1"), b"\0" * 16, 0x003E, 0x0003,
        0xFFFE, 9, 6, b"\0" * 6, 0, n_fat, first_dir, 0, MINI_CUTOFF, first_minifat, n_minifat,
        END, 0)
    header += struct.pack("<109I", *(list(range(n_fat)) + [FREE] * (109 - n_fat)))
    directory = b"".join(_dir_entry(e) for e in entries)
    directory += _dir_entry(None) * (n_dir * 4 - len(entries))
    parts = [header, struct.pack(f"<{len(fat)}I", *fat), directory,
             struct.pack(f"<{len(minifat)}I", *minifat).ljust(n_minifat * SECTOR, b"\xff"),
             bytes(mini).ljust(n_mini * SECTOR, b"\0")]
    parts += [e.data.ljust(count * SECTOR, b"\0") for e, count in zip(large, n_large)]
    out = b"".join(parts)
    assert len(out) == SECTOR * (1 + n_fat + body)
    return out


def _dir_entry(e: _Entry | None) -> bytes:
    if e is None:  # an unused slot
        return struct.pack("<64sHBBIII16sIQQIII", b"", 0, 0, _BLACK, NO_STREAM, NO_STREAM,
                           NO_STREAM, b"\0" * 16, 0, 0, 0, 0, 0, 0)
    name = e.name.encode("utf-16-le") + b"\0\0"
    start = e.start if e.kind != _STORAGE else 0
    return struct.pack("<64sHBBIII16sIQQIII", name, len(name), e.kind, e.color, e.left, e.right,
                       e.child, b"\0" * 16, 0, 0, 0, start, e.size, 0)
