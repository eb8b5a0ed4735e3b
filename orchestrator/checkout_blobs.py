"""The files a repository's reviews checked out, kept by content and shared by hard links.

A follow-up commit to a 300-file pull request gets a new run folder (`runs/<run_id>/` is
named by the head), whose clone writes the changed files again though all but one have
the blob the last review wrote. So each file `checkout.write_files` writes is also kept in
the repository's store (`RunDir.checkout_blobs_dir`: `runs/.checkout-blobs/<partition>/`)
as `<oid>-<mode>`: its git object id (40 or 64 hex digits, checked: nothing else of the
repository ever names a path here) and its permission bits in octal (what this process's
umask gives a new file, as the checkout has always written them). A later checkout of
the same blob is a hard link to that entry: no inode allocated and no data written (on
ext4 without a journal, allocating inodes after many deletions was most of the clone
step's cost). The folder is flat: sub-folders by the first digits would cost a
directory inode each on the first checkouts (ext4 indexes large folders by hash).

- An entry is used only when it is a regular file of the blob's size (git's, read first)
  whose content is the blob: its git object id (SHA-1, or SHA-256 for 64 digits, of
  `blob <size>\\0` and the content) is recomputed. A damaged or altered entry is never
  linked; the file is written instead and replaces it.
- An entry only ever appears as a link to a file completely written in a run folder
  (`os.link`, or a link under a temporary name renamed over a bad entry), never partial.
- Where links cannot be made (another file system, EPERM, EMLINK, a file system without
  them such as an S3 Files mount), files are written as before and no store is kept.
- An entry no checkout links any more (`st_nlink` 1) is removed by the workspace sweep
  (`orchestrator.workspace_gc`).

Tools never get a path into the store: an analyser reads a scratch copy that is a link to
the checkout's file (`agents.scratch`), as before, and the store is per repository, so a
tool subverted by a hostile change that wrote into its copy could alter only that
repository's entries, which the check above then refuses to link again.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from review.hardlinks import NO_LINKS, link_regular_file, replace_with_link, walk_files

_OID = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
# stores where no link could be made: not tried again by this process (on an S3 Files
# mount each try costs requests: making the entry's folders, the link, removing them)
_WITHOUT_LINKS: set[str] = set()


class CheckoutBlobs:
    """One clone's view of a repository's store (`folder`; None: no store)."""

    def __init__(self, folder: Path | None) -> None:
        mode = _new_file_mode()
        self._folder = folder if mode is not None else None
        self._suffix = f"-{mode:03o}" if mode is not None else ""
        self._mode = mode
        self._linking = self._folder is not None and str(folder) not in _WITHOUT_LINKS
        self._read: dict[str, tuple[int, int]] = {}  # oid -> the entry read (device, inode)
        self._held: dict[str, bytes] = {}  # oid -> content `sizes` read, for `contents`

    def sizes(self, oids: Iterable[str], limit: int, budget: int) -> dict[str, int]:
        """The size in bytes of each blob among `oids` that the store holds intact, each
        at most `limit` bytes: its entry is read and checked as `contents` does, and a
        content that hashes to its blob id is that blob, so its length is git's size.
        Contents up to `budget` bytes in all are held for `contents`, not read again."""
        if not self._searchable():
            return {}
        found: dict[str, int] = {}
        held = 0
        for oid in dict.fromkeys(oids):
            data = self._read_entry(oid, None, limit)
            if data is None:
                continue
            found[oid] = len(data)
            if held + len(data) <= budget:
                self._held[oid] = data
                held += len(data)
        return found

    def contents(self, sizes: Mapping[str, int]) -> dict[str, bytes]:
        """The content of each blob of `sizes` (oid -> git's size) that the store holds
        intact (see the module docstring)."""
        if not self._searchable():
            return {}
        found = {}
        for oid, size in sizes.items():
            held = self._held.pop(oid, None)
            data = held if held is not None and len(held) == size else self._read_entry(oid, size)
            if data is not None:
                found[oid] = data
        return found

    def _searchable(self) -> bool:
        """No lookups where no entry was ever made (an S3 Files mount)."""
        return self._linking and self._folder is not None and self._folder.is_dir()

    def _read_entry(self, oid: str, size: int | None, limit: int = 0) -> bytes | None:
        """The entry of `oid` when intact: a regular file of `size` bytes (None: any size up
        to `limit`) and this process's mode whose content hashes to `oid`."""
        entry = self._entry(oid)
        if entry is None:
            return None
        try:
            fd = os.open(entry, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            return None
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(fd)
            size = info.st_size if size is None and info.st_size <= limit else size
            usable = stat.S_ISREG(info.st_mode) and info.st_size == size
            if size is None or not usable or stat.S_IMODE(info.st_mode) != self._mode:
                return None
            data = handle.read(size + 1)
        if len(data) != size or object_id(data, len(oid)) != oid:
            return None
        self._read[oid] = (info.st_dev, info.st_ino)
        return data

    def link(self, oid: str, target: Path) -> bool:
        """Whether `target` (a new name) is now a link to the entry of `oid` that
        `contents` read; False (nothing at `target`) for the caller to write it."""
        entry = self._entry(oid)
        inode = self._read.get(oid)
        if not self._linking or entry is None or inode is None:
            return False
        if not link_regular_file(entry, target):
            self._linking = False  # as agents.scratch: the first failure stops trying
            return False
        info = os.lstat(target)
        if (info.st_dev, info.st_ino) == inode:
            return True
        os.unlink(target)  # the entry was replaced after it was read: write the file
        return False

    def keep(self, oid: str, written: Path) -> None:
        """Make the file just `written` with the content of blob `oid` its store entry (over
        an entry that could not be used). Where links cannot be made, stop keeping any and
        remove the folder made for it, so that no later review looks entries up."""
        entry = self._entry(oid)
        if not self._linking or entry is None:
            return
        try:
            replace_with_link(written, entry)
            info = os.lstat(written)
            self._read[oid] = (info.st_dev, info.st_ino)  # the next path of `oid` links it
        except OSError as exc:
            self._linking = False
            if exc.errno in NO_LINKS and self._folder is not None:
                _WITHOUT_LINKS.add(str(self._folder))
                with contextlib.suppress(OSError):
                    os.rmdir(self._folder)  # only when empty

    def _entry(self, oid: str) -> str | None:
        if self._folder is None or not _OID.fullmatch(oid):
            return None
        return os.path.join(self._folder, f"{oid}{self._suffix}")


def object_id(data: bytes, digits: int) -> str:
    """git's object id of a blob of `data`: SHA-1 (40 hex digits) or SHA-256 (64) of
    `blob <size>\\0` followed by `data` (gitformat-object(5), "Object format")."""
    digest = (hashlib.sha1 if digits == 40 else hashlib.sha256)(b"blob %d\0" % len(data))
    digest.update(data)
    return digest.hexdigest()


def _new_file_mode() -> int | None:
    """The permission bits a file created now gets (0o666 less the umask), read from
    /proc/self/status (Linux): `os.umask` would change the process's umask, which other
    threads may be creating files under. None where it cannot be read: no store."""
    try:
        with open("/proc/self/status", "rb") as status:
            for line in status:
                if line.startswith(b"Umask:"):
                    return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        return None
    return None


@dataclass(frozen=True)
class StoredBlob:
    """An entry of a store, for the workspace sweep: its names (a temporary one too, left
    by a process that died between linking and renaming it) and its `lstat`."""

    paths: tuple[str, ...]
    info: os.stat_result


def stored_blobs(folder: Path) -> dict[tuple[int, int], StoredBlob]:
    """The entries of the stores under `folder` (`runs/.checkout-blobs/`), by (device,
    inode); not following links."""
    found: dict[tuple[int, int], StoredBlob] = {}
    for _, path, info in walk_files(folder):
        if stat.S_ISREG(info.st_mode):
            inode = (info.st_dev, info.st_ino)
            known = found.get(inode)
            found[inode] = StoredBlob((*known.paths, path) if known else (path,), info)
    return found
