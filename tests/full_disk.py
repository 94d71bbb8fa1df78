"""Run the itbudget command line with every output's temporary file on /dev/full.

``python tests/full_disk.py consolidate ...``: each temporary file
:func:`itbudget.writing.atomic_path` makes is replaced by a symlink to
``/dev/full`` before the writer opens it, so every write fails with the
kernel's own ENOSPC, through the real writers (xlsxwriter, openpyxl, zipfile)
and worker processes. For tests only (tests/test_full_disk.py).
"""

import os
import sys
import tempfile

import itbudget.writing

_mkstemp = tempfile.mkstemp
os.umask(0)  # atomic_path chmods the temporary file: 0666 is what /dev/full has already


def _full_mkstemp(prefix="", suffix="", dir=None):
    fd, path = _mkstemp(prefix=prefix, suffix=suffix, dir=dir)
    os.close(fd)
    os.unlink(path)
    os.symlink("/dev/full", path)
    return os.open(path, os.O_WRONLY), path


class _Tempfile:
    mkstemp = staticmethod(_full_mkstemp)


itbudget.writing.tempfile = _Tempfile

if __name__ == "__main__":
    from itbudget.cli import entry

    sys.argv = ["itbudget", *sys.argv[1:]]
    entry()
