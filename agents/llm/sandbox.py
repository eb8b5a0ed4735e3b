"""The checkout as an AI reviewer sees it: read-only, confined, bounded.

Every path a model names is untrusted (the model may be following instructions planted in
the repository): it is resolved inside the run's checkout and refused, with a message the
model can read, when it is absolute, climbs out with `..`, goes into `.git`, or passes
through a symbolic link anywhere on the way (git checks links out as plain files here, but
a checkout is not trusted to have been made that way). Only regular files are read, never
a device or a fifo, and every answer is capped in size. Files the repository's
configuration excludes are never read (nor searched). Nothing here runs a process or
opens a socket: search is plain Python over the files.
"""

from __future__ import annotations

import fnmatch
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from review.lines import display, split_lines
from review.workspace import PathEscape, confine, read_regular_file

BINARY_SNIFF_BYTES = 8_192


class ToolRefused(ValueError):
    """A tool call the sandbox will not carry out; the message goes back to the model."""


@dataclass(frozen=True)
class SandboxLimits:
    max_file_bytes: int = 1_000_000
    max_lines_per_read: int = 400
    max_line_chars: int = 400
    max_chars_per_call: int = 16_000
    max_list_entries: int = 300
    max_search_results: int = 60
    max_search_files: int = 5_000
    max_search_bytes: int = 40_000_000


class Checkout:
    """Read-only views of the files under `root`, less those `excluded` (repository paths)."""

    def __init__(
        self,
        root: Path,
        limits: SandboxLimits | None = None,
        excluded: Callable[[str], bool] = lambda path: False,
    ) -> None:
        self.root = root.resolve()
        self.limits = limits or SandboxLimits()
        self.excluded = excluded

    # -- paths ---------------------------------------------------------------------------

    def relative(self, path: str) -> str:
        """The normalised repository path for `path`, or ToolRefused saying why not."""
        if not isinstance(path, str) or not path.strip() or "\x00" in path:
            raise ToolRefused("empty or invalid path")
        text = path.strip().replace("\\", "/")
        if text.startswith("/") or (len(text) > 1 and text[1] == ":"):
            raise ToolRefused(
                f"{path!r}: absolute paths are refused; use a path relative to the repository root"
            )
        parts = [p for p in PurePosixPath(text).parts if p not in ("", ".")]
        if ".." in parts:
            raise ToolRefused(f"{path!r}: '..' is refused; stay inside the repository")
        if any(p.lower() == ".git" for p in parts):
            raise ToolRefused(f"{path!r}: .git is git's data, not the repository's content")
        return "/".join(parts) or "."

    def resolve(self, path: str) -> tuple[str, Path]:
        """(repository path, absolute path) of `path`, refusing links on the way."""
        relative = self.relative(path)
        if relative == ".":
            return relative, self.root
        try:
            target = confine(self.root, relative)
        except PathEscape as exc:
            raise ToolRefused(f"{path!r}: leads outside the repository ({exc})") from None
        current = self.root
        for part in PurePosixPath(relative).parts:
            current = current / part
            try:
                mode = os.lstat(current).st_mode
            except FileNotFoundError:
                raise ToolRefused(f"{relative}: no such file or directory") from None
            except OSError as exc:
                raise ToolRefused(f"{relative}: cannot be read ({exc.strerror})") from None
            if stat.S_ISLNK(mode):
                raise ToolRefused(
                    f"{relative}: {current.relative_to(self.root)} is a symbolic link, "
                    "which is never followed"
                )
        return relative, target

    # -- reading -------------------------------------------------------------------------

    def text_lines(self, path: str) -> tuple[str, list[str]]:
        """(repository path, lines) of a regular text file, or ToolRefused."""
        relative, target = self.resolve(path)
        mode = os.lstat(target).st_mode
        if stat.S_ISDIR(mode):
            raise ToolRefused(f"{relative}: is a directory; use list_files")
        if self.excluded(relative):
            raise ToolRefused(f"{relative}: excluded from review by the repository's configuration")
        if not stat.S_ISREG(mode):
            raise ToolRefused(f"{relative}: not a regular file (device, fifo or socket)")
        size = os.lstat(target).st_size
        if size > self.limits.max_file_bytes:
            raise ToolRefused(
                f"{relative}: {size} bytes is over the {self.limits.max_file_bytes}-byte limit; "
                "use search to find what you need in it"
            )
        try:
            data = read_regular_file(self.root, relative, self.limits.max_file_bytes + 1)
        except PathEscape as exc:
            raise ToolRefused(f"{relative}: {exc}") from None
        if data is None:
            raise ToolRefused(f"{relative}: not a regular file")
        if b"\x00" in data[:BINARY_SNIFF_BYTES]:
            raise ToolRefused(f"{relative}: binary file, not shown")
        return relative, split_lines(data)

    def read(self, path: str, start_line: int = 1, end_line: int | None = None) -> str:
        """Numbered lines start_line..end_line of a text file, capped."""
        relative, lines = self.text_lines(path)
        total = len(lines)
        start = max(1, _as_int(start_line, 1))
        if total == 0:
            return f"{relative}: empty file"
        if start > total:
            raise ToolRefused(f"{relative} has {total} lines; start_line {start} is past the end")
        wanted_end = total if end_line is None else _as_int(end_line, total)
        end = min(total, max(start, wanted_end), start + self.limits.max_lines_per_read - 1)
        out = [f"{relative} ({total} lines), lines {start}-{end}:"]
        used = len(out[0])
        width = len(str(end))
        for number in range(start, end + 1):
            shown = _clip(display(lines[number - 1]), self.limits.max_line_chars)
            row = f"{number:>{width}} | {shown}"
            if used + len(row) + 1 > self.limits.max_chars_per_call:
                end = number - 1
                break
            out.append(row)
            used += len(row) + 1
        if end < min(total, wanted_end):
            out.append(f"(cut at line {end}: call read_file with start_line={end + 1} for more)")
        return "\n".join(out)

    def list(self, path: str = ".", depth: int = 2) -> str:
        """Files and folders under `path`, `depth` levels deep, links shown but not followed."""
        relative, target = self.resolve(path)
        if not stat.S_ISDIR(os.lstat(target).st_mode):
            raise ToolRefused(f"{relative}: not a directory; use read_file")
        depth = min(max(1, _as_int(depth, 2)), 6)
        rows: list[str] = []
        truncated = self._walk_listing(target, relative, depth, rows)
        header = f"{relative}/ ({len(rows)} entries{', cut' if truncated else ''}):"
        if truncated:
            rows.append(f"(cut at {self.limits.max_list_entries} entries: list a subfolder)")
        return _cap("\n".join([header, *rows]), self.limits.max_chars_per_call)

    def _walk_listing(self, folder: Path, relative: str, depth: int, rows: list[str]) -> bool:
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            return False
        for entry in entries:
            if entry.name == ".git":
                continue
            if len(rows) >= self.limits.max_list_entries:
                return True
            name = entry.name if relative == "." else f"{relative}/{entry.name}"
            if entry.is_symlink():
                rows.append(f"{name} (symbolic link, not followed)")
            elif entry.is_dir(follow_symlinks=False):
                rows.append(f"{name}/")
                if depth > 1 and self._walk_listing(Path(entry.path), name, depth - 1, rows):
                    return True
            elif entry.is_file(follow_symlinks=False):
                rows.append(f"{name} ({entry.stat(follow_symlinks=False).st_size} bytes)")
            else:
                rows.append(f"{name} (special file, not readable)")
        return False

    def search(
        self, text: str, path: str = ".", glob: str | None = None, case_sensitive: bool = False
    ) -> str:
        """Lines containing `text` (a plain string, not a pattern) in the files under `path`."""
        if not isinstance(text, str) or len(text.strip()) < 2 or len(text) > 200:
            raise ToolRefused("search text must be 2 to 200 characters")
        if "\n" in text:
            raise ToolRefused("search text must be on one line")
        relative, target = self.resolve(path)
        needle = text if case_sensitive else text.lower()
        hits: list[str] = []
        scanned_files = scanned_bytes = 0
        stopped = ""
        for file_path in self._files_under(relative, target):
            if glob and not (
                fnmatch.fnmatch(file_path, glob) or fnmatch.fnmatch(file_path.rsplit("/")[-1], glob)
            ):
                continue
            if scanned_files >= self.limits.max_search_files:
                stopped = f"stopped after {scanned_files} files"
                break
            if scanned_bytes >= self.limits.max_search_bytes:
                stopped = f"stopped after {scanned_bytes} bytes"
                break
            try:
                _, lines = self.text_lines(file_path)
            except ToolRefused:
                continue
            scanned_files += 1
            scanned_bytes += sum(len(line) + 1 for line in lines)
            for number, line in enumerate(lines, 1):
                haystack = line if case_sensitive else line.lower()
                if needle in haystack:
                    hits.append(f"{file_path}:{number}: {_clip(line.strip(), 300)}")
                    if len(hits) >= self.limits.max_search_results:
                        stopped = f"first {len(hits)} matches only"
                        break
            if len(hits) >= self.limits.max_search_results:
                break
        where = "the repository" if relative == "." else relative
        if not hits:
            return f"no matches in {where} ({scanned_files} files searched)"
        header = f"{len(hits)} matches in {where}{f' ({stopped})' if stopped else ''}:"
        return _cap("\n".join([header, *hits]), self.limits.max_chars_per_call)

    def _files_under(self, relative: str, target: Path):
        """Repository paths of the regular files under `target`, sorted, links not followed."""
        if stat.S_ISREG(os.lstat(target).st_mode):
            yield relative
            return
        for folder, dirs, files in os.walk(target, followlinks=False):
            dirs[:] = sorted(
                d for d in dirs if d != ".git" and not os.path.islink(os.path.join(folder, d))
            )
            base = Path(folder).relative_to(self.root).as_posix()
            for name in sorted(files):
                full = os.path.join(folder, name)
                if os.path.islink(full) or not os.path.isfile(full):
                    continue
                yield name if base == "." else f"{base}/{name}"


def _as_int(value: object, default: int) -> int:
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return default


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _cap(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - 60].rsplit("\n", 1)[0] + "\n(output cut: narrow the request)"
