"""Write an export's files to a folder or a zip.

Zips are reproducible: entries in path order with the pack's creation time, so the same pack
gives the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path

from learnloop.errors import InputError

__all__ = ["write_folder", "write_zip", "zip_bytes"]

Files = dict[str, bytes]


def write_folder(files: Files, folder: Path) -> Path:
    """Write every file under `folder` (made if missing); files already there are replaced."""
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{folder}: exists and is not a folder")
    try:
        for name, content in files.items():
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
    except OSError as error:
        raise InputError(f"{folder}: cannot write: {error.strerror or error}") from error
    return folder


def zip_bytes(files: Files, *, at: datetime) -> bytes:
    stamp = (max(at.year, 1980), at.month, at.day, at.hour, at.minute, at.second)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            entry = zipfile.ZipInfo(name, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, files[name])
    return buffer.getvalue()


def write_zip(files: Files, path: Path, *, at: datetime) -> Path:
    try:
        path.write_bytes(zip_bytes(files, at=at))
    except OSError as error:
        raise InputError(f"{path}: cannot write: {error.strerror or error}") from error
    return path
