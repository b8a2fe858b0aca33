"""Scratch files that hold personal data for a moment, and their removal after a crash.

Three kinds of file live only while a request runs, and a crash (``kill -9``, power loss) can
leave them behind:

- uploads being received (Django's temporary files ``tmp*.upload*`` in ``$SANXIANG_VAR/tmp``);
- evidence blobs being written to a local store (``<store>/.partial/``, renamed into place
  once whole);
- document conversions (``$SANXIANG_VAR/tmp/convert/sanxiang-pdf-*``: the .docx, the PDF and
  LibreOffice's profile).

They hold photos, records and decisions with names and ID numbers, so ``sanxiang serve``
removes what is older than ``LEFTOVER_AGE`` before it starts. The age spares files another
process is still writing: uploads and blobs are written continuously and a conversion is cut
off after two minutes, so nothing alive is that old.
"""

from __future__ import annotations

import logging
import shutil
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages

logger = logging.getLogger(__name__)

LEFTOVER_AGE = timedelta(minutes=30)
# Inside a local evidence store: blobs being written, before their atomic rename into place.
EVIDENCE_PARTIAL_DIR = ".partial"
CONVERSION_PREFIX = "sanxiang-pdf-"


def conversion_dir() -> Path:
    """The private folder (0700) document conversions work in, one subfolder each."""
    folder = Path(settings.VAR_DIR) / "tmp" / "convert"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)
    return folder


def _newest_mtime(path: Path) -> float:
    """When anything in ``path`` (a file or a folder tree) last changed."""
    newest = path.lstat().st_mtime
    if path.is_dir() and not path.is_symlink():
        for child in path.rglob("*"):
            try:
                newest = max(newest, child.lstat().st_mtime)
            except FileNotFoundError:
                continue
    return newest


def _candidates() -> list[Path]:
    found: list[Path] = []
    tmp = Path(settings.FILE_UPLOAD_TEMP_DIR or Path(settings.VAR_DIR) / "tmp")
    if tmp.is_dir():
        found += [p for p in tmp.glob("tmp*.upload*") if p.is_file()]
    convert = Path(settings.VAR_DIR) / "tmp" / "convert"
    if convert.is_dir():
        found += list(convert.glob(CONVERSION_PREFIX + "*"))
    storage = storages["evidence"]
    if isinstance(storage, FileSystemStorage):
        partial = Path(storage.location) / EVIDENCE_PARTIAL_DIR
        if partial.is_dir():
            found += [p for p in partial.iterdir() if p.is_file()]
    return found


def leftovers_remove(*, older_than: timedelta = LEFTOVER_AGE) -> list[Path]:
    """Remove scratch files and folders a crashed process left behind; the removed paths."""
    cutoff = time.time() - older_than.total_seconds()
    removed = []
    for path in _candidates():
        try:
            if _newest_mtime(path) > cutoff:
                continue
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
        except FileNotFoundError:
            continue
        except OSError:
            logger.warning("could not remove the leftover %s", path, exc_info=True)
            continue
        logger.warning("removed the leftover %s (a crashed upload or conversion)", path)
        removed.append(path)
    return removed
