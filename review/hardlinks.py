"""Hard links in the workspace, and writing as before where there are none.

A file shared by a hard link costs no inode and no data: the checkout's files are links to
the store of checked-out blobs (`orchestrator.checkout_blobs`), an analyser's scratch copy
of a checkout file is a link to it (`agents.scratch`), a findings cache entry is a link to
the pack holding it (`agents.cache_packs`). Where a link cannot be made, `os.link` raises
one of NO_LINKS (another file system: EXDEV; a file system without links, such as an S3
Files mount, "Unsupported features, limits, and quotas",
https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-files-quotas.html: EPERM,
ENOTSUP; too many links: EMLINK), and each caller writes the file instead.
"""

from __future__ import annotations

import contextlib
import errno
import math
import os
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

# what os.link raises where the file system has no hard links (or no more of them); 524 is
# Linux's internal ENOTSUPP, which NFS clients can let through
NO_LINKS = frozenset({errno.EXDEV, errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK, 524})


def link_regular_file(source: str | Path, target: str | Path) -> bool:
    """Whether `target` (a new name) was made a hard link to the regular file `source`
    (never to a link: `linkat` without following, after checking it is not one); False on
    any OSError (EXDEV, EPERM, EMLINK, EEXIST…), for the caller to write `target` instead."""
    try:
        if not stat.S_ISREG(os.lstat(source).st_mode):
            return False
        os.link(source, target, follow_symlinks=False)
    except (OSError, NotImplementedError):
        return False
    return True


def replace_with_link(source: str | Path, target: str | Path) -> None:
    """Make `target` a hard link to `source`, over whatever is there, atomically (a link under
    a temporary name in the same folder, renamed), making its folder if needed; OSError as
    `os.link` raises it (see NO_LINKS)."""
    try:
        os.link(source, target)
        return
    except FileExistsError:
        pass
    except FileNotFoundError:  # the first file of its folder (or `source` is gone: raised)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        try:
            os.link(source, target)
            return
        except FileExistsError:
            pass
    temporary = temporary_name(target)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(temporary)  # left by a process that died in between
    os.link(source, temporary)
    try:
        os.replace(temporary, target)
    finally:  # still there after an error, or when `target` was already `source`
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def temporary_name(target: str | Path) -> str:
    """A name beside `target` for this process and thread to write or link before renaming
    it over `target` (a dot file: `.<name>.<pid>.<thread>.tmp`)."""
    folder, name = os.path.split(target)
    return os.path.join(folder, f".{name}.{os.getpid()}.{threading.get_ident()}.tmp")


def remove_unlinked(
    paths: tuple[str, ...], inode: tuple[int, int], before: float = math.inf
) -> bool:
    """Remove `paths`, every name of the file `inode` (device, inode), if it still has no
    other and its links (ctime) and content (mtime) last changed before `before` (a time);
    True when removed. A file linked again or replaced meanwhile is left alone."""
    try:
        info = os.lstat(paths[0])
        if (info.st_dev, info.st_ino) != inode or info.st_nlink != len(paths):
            return False
        if max(info.st_mtime, info.st_ctime) >= before:
            return False
        for path in paths:
            os.unlink(path)
    except OSError:
        return False
    return True


def walk_files(folder: str | Path) -> Iterator[tuple[str, str, os.stat_result]]:
    """(folder of, path, `lstat`) of every name under `folder`, links not followed; names
    gone meanwhile are left out. The sweep counts files by inode from it: a hard link is
    one more name of the same file."""
    for directory, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(directory, name)
            try:
                yield directory, path, os.lstat(path)
            except OSError:
                continue
