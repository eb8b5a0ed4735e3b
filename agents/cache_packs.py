"""The findings cache on disk: entries written a pack at a time, indexed by hard links.

A cache folder (`RunDir.findings_cache_dir`) holds

- `packs/<sha256>.pack`: a JSON object `{"format": FORMAT, "entries": {key: entry, ...}}`,
  every entry one write stored (an analyser's run over many files: its per-file entries
  and its whole-run one), named by the SHA-256 of its bytes, written atomically (a
  temporary file renamed into place);
- `<key[:2]>/<key>.json`: the index, a hard link to the pack holding that key's entry
  (made beside it under a temporary name and renamed over an older link, so a reader
  sees the old pack or the new one, never a partial file).

A link allocates no inode and writes no data: on ext4 inode allocation was about a tenth
of a cold review's CPU. Where links cannot be made (a file system without them: EXDEV,
EPERM, ENOTSUP, Linux's ENOTSUPP, EMLINK), each key's index path is a pack of its one
entry instead, in the same format, so reading needs no second path; a cache folder where
no link could be made gets those straight away for the rest of the process. An S3 Files
mount is such a file system (no hard links: "Unsupported features, limits, and quotas",
https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-files-quotas.html): there each
entry is still a file, so a PUT, of its own.

A reader parses a pack once per `Packs` however many of its keys it reads (packs are
remembered by device, inode and size). A pack whose keys were all linked elsewhere since
keeps one name, its own in `packs/` (`st_nlink` 1): the workspace sweep
(`orchestrator.workspace_gc`) removes it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from review import json_codec
from review.hardlinks import NO_LINKS, replace_with_link, temporary_name

FORMAT = 4  # bumped when an entry's shape or meaning changes (4: entries in packs)
PACKS = "packs"  # the folder of packs in a cache folder (not two hex digits: no index)
# how stale a pack's modification time (its last use, for the sweep) may be before a hit
# marks it again: a review right after another writes nothing to the packs it reads
REFRESH_SECONDS = 600
# cache folders where no link could be made: later writes there go straight to packs of one
# entry (on an S3 Files mount a pack written only to be removed costs two requests more)
_WITHOUT_LINKS: set[str] = set()


def index_path(directory: Path, key: str) -> str:
    """The index path of entry `key` (a hex digest) in cache folder `directory`."""
    return os.path.join(directory, key[:2], f"{key}.json")


def write_pack(directory: Path, entries: Mapping[str, Any]) -> None:
    """Write `entries` (key -> entry, JSON-serialisable) as one pack in `directory` and
    make each key's index path a link to it (or, where links cannot be made, a pack of its
    one entry, see the module docstring); OSError as raised (EROFS on a read-only mount)."""
    keys = list(entries)
    if not keys:
        return
    unlinked = keys
    if str(directory) not in _WITHOUT_LINKS:
        data = _pack_bytes(entries)
        pack = os.path.join(directory, PACKS, f"{hashlib.sha256(data).hexdigest()}.pack")
        _write_atomic(pack, data)
        unlinked = _link_all(pack, directory, keys)
        if len(unlinked) == len(keys):  # nothing links to it: the index holds each entry
            _WITHOUT_LINKS.add(str(directory))
            with contextlib.suppress(OSError):
                os.unlink(pack)
    for key in unlinked:
        _write_atomic(index_path(directory, key), _pack_bytes({key: entries[key]}))


def _pack_bytes(entries: Mapping[str, Any]) -> bytes:
    return json_codec.dumps({"format": FORMAT, "entries": entries})


def _link_all(pack: str, directory: Path, keys: list[str]) -> list[str]:
    """Link each key's index path to `pack`; the keys left unlinked because this file
    system makes no (more) links, from the first that failed on."""
    for n, key in enumerate(keys):
        try:
            replace_with_link(pack, index_path(directory, key))
        except NotImplementedError:
            return keys[n:]
        except OSError as exc:
            if exc.errno not in NO_LINKS:
                raise
            return keys[n:]
    return []


def _write_atomic(target: str, data: bytes) -> None:
    """Write `data` at `target` through a temporary file of this thread's, renamed."""
    temporary = temporary_name(target)
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    try:
        fd = os.open(temporary, flags, 0o600)
    except FileNotFoundError:  # the first file of its folder
        os.makedirs(os.path.dirname(target), exist_ok=True)
        fd = os.open(temporary, flags, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


class Packs:
    """Reading entries from a cache folder's index, each pack parsed once (remembered by
    device, inode and size for the life of this object)."""

    def __init__(self) -> None:
        self._parsed: dict[tuple[int, int, int], dict[str, Any] | None] = {}

    def entry(self, directory: Path, key: str) -> dict[str, Any] | None:
        """The entry `key` of the pack its index path links to, marking that pack used
        when its mark is over REFRESH_SECONDS old (the sweep removes the least recently
        used first; a read-only mount leaves it unmarked); None when there is no such
        path, the pack is damaged or of another FORMAT, or holds no entry `key`."""
        try:
            fd = os.open(index_path(directory, key), os.O_RDONLY)
        except OSError:
            return None
        try:
            with os.fdopen(fd, "rb") as handle:
                info = os.fstat(handle.fileno())
                inode = (info.st_dev, info.st_ino, info.st_size)
                if inode not in self._parsed:
                    self._parsed[inode] = _entries(handle.read())
                if time.time() - info.st_mtime > REFRESH_SECONDS:
                    with contextlib.suppress(OSError):
                        os.utime(handle.fileno())
        except OSError:
            return None
        entries = self._parsed[inode]
        entry = entries.get(key) if entries is not None else None
        return entry if isinstance(entry, dict) else None


def _entries(data: bytes) -> dict[str, Any] | None:
    """The entries of a pack's bytes; None unless it is a pack of this FORMAT."""
    try:
        pack = json_codec.loads(data)
    except ValueError:
        return None
    if not isinstance(pack, dict) or pack.get("format") != FORMAT:
        return None
    entries = pack.get("entries")
    return entries if isinstance(entries, dict) else None
