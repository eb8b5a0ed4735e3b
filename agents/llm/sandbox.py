"""The head commit as an AI reviewer sees it: read-only, confined, bounded, from git objects.

The model reads the whole head tree, not a working tree: files are listed from git's tree
objects and read from its blobs (the review's repository holds them, borrowed from a local
repository or fetched for the AI reviewers), so nothing outside the commit exists for the
tools, and no file needs to be written to the workspace for the model to read it.

Every path a model names is untrusted (the model may be following instructions planted in
the repository): it is refused, with a message the model can read, when it is absolute,
climbs out with `..`, goes into `.git`, or names or passes through a symbolic link or a
submodule (never followed). Only regular files are read, each answer is capped in size,
and lines are numbered as git numbers them. Files the repository's configuration
excludes are never read (nor searched). Search is plain Python over the blobs.
"""

from __future__ import annotations

import fnmatch
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from review.git import Git
from review.lines import display, split_lines

BINARY_SNIFF_BYTES = 8_192
_FILE_MODES = frozenset({"100644", "100755"})
_BATCH = 200  # blobs read per `git cat-file --batch` in a search


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


@dataclass(frozen=True)
class Entry:
    mode: str
    oid: str

    @property
    def regular(self) -> bool:
        return self.mode in _FILE_MODES


class Checkout:
    """Read-only views of commit `head` of the repository at `repo` (a git directory), less
    the files `excluded` (by repository path)."""

    def __init__(
        self,
        repo: Path,
        head: str,
        limits: SandboxLimits | None = None,
        excluded: Callable[[str], bool] = lambda path: False,
    ) -> None:
        self.git = Git(repo, git_dir=repo)
        self.head = head
        self.limits = limits or SandboxLimits()
        self.excluded = excluded
        self._entries: dict[str, Entry] | None = None
        self._dirs: set[str] = set()
        self._sizes: dict[str, int | None] = {}
        self._missing: frozenset[str] | None = None
        self.looked_at: set[str] = set()  # every path a tool named (`versions` for a cache)

    # -- the tree --------------------------------------------------------------------------

    def entries(self) -> dict[str, Entry]:
        """Every non-directory entry of the head tree, by repository path (read once)."""
        if self._entries is None:
            raw = self.git.run("ls-tree", "-r", "-z", "--full-tree", self.head)
            self._entries = {}
            for record in raw.decode("utf-8", "surrogateescape").split("\0"):
                if "\t" in record:
                    meta, path = record.split("\t", 1)
                    mode, _, oid = meta.split()
                    self._entries[path] = Entry(mode, oid)
            for path in self._entries:
                parts = PurePosixPath(path).parts
                self._dirs.update("/".join(parts[:n]) for n in range(1, len(parts)))
        return self._entries

    def sizes(self, oids: list[str]) -> dict[str, int | None]:
        """The size of each blob (None: not in this review's objects), asked of git once.

        Which blobs a partial clone lacks comes from one walk of the head's tree
        (`rev-list --missing=print`): git before 2.45 fetches a missing object it is asked
        about by id, and an agent has neither the credentials nor the network to."""
        unknown = [oid for oid in dict.fromkeys(oids) if oid not in self._sizes]
        if unknown:
            absent = self._absent()
            present = [oid for oid in unknown if oid not in absent]
            self._sizes.update((oid, None) for oid in unknown if oid in absent)
            if present:
                out = self.git.run(
                    "cat-file", "--batch-check",
                    input_bytes="".join(f"{oid}\n" for oid in present).encode(),
                )  # fmt: skip
                for line in out.decode().splitlines():
                    fields = line.split()
                    self._sizes[fields[0]] = int(fields[2]) if len(fields) == 3 else None
        return {oid: self._sizes.get(oid) for oid in oids}

    def _absent(self) -> frozenset[str]:
        """The objects of the head's tree this repository does not have (read once)."""
        if self._missing is None:
            # object ids only: a path printed beside its id could hold a newline (or, to
            # `splitlines`, a form feed) followed by "?<id>", and pose as a missing object
            listing = self.git.run(
                "rev-list", "--objects", "--no-object-names", "--missing=print", "--no-walk",
                self.head,
            )  # fmt: skip
            lines = listing.decode("ascii", "replace").split("\n")
            self._missing = frozenset(line[1:].strip() for line in lines if line.startswith("?"))
        return self._missing

    def blobs(self, oids: list[str]) -> dict[str, bytes]:
        """The content of present blobs, from one `git cat-file --batch`."""
        if not oids:
            return {}
        output = self.git.run(
            "cat-file", "--batch", input_bytes="".join(f"{oid}\n" for oid in oids).encode()
        )
        found: dict[str, bytes] = {}
        offset = 0
        while offset < len(output):
            end = output.index(b"\n", offset)
            oid, _, size = output[offset:end].decode().split()
            found[oid] = output[end + 1 : end + 1 + int(size)]
            offset = end + 1 + int(size) + 1
        return found

    def versions(self, paths: list[str]) -> dict[str, str | None]:
        """What each repository path (`.` the root) is at the head, from the tree alone (no
        blob is read or fetched): a file's mode and blob id, a folder's digest of every
        entry under it, or None when there is no such path."""
        entries = self.entries()
        names = sorted(entries)
        found: dict[str, str | None] = {}
        for path in paths:
            if path in entries:
                found[path] = f"{entries[path].mode} {entries[path].oid}"
            elif path == "." or path in self._dirs:
                prefix = "" if path == "." else f"{path}/"
                digest = hashlib.sha256()
                for name in names:
                    if name.startswith(prefix):
                        entry = entries[name]
                        digest.update(
                            f"{entry.mode} {entry.oid} {name}\0".encode("utf-8", "surrogateescape")
                        )
                found[path] = f"tree {digest.hexdigest()}"
            else:
                found[path] = None
        return found

    # -- paths -----------------------------------------------------------------------------

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

    def resolve(self, path: str) -> tuple[str, Entry | None]:
        """(repository path, its entry) of a file, or (path, None) for a folder; ToolRefused
        for anything else: no such path, or a link or submodule on the way."""
        relative = self.relative(path)
        self.looked_at.add(relative)
        entries = self.entries()
        if relative == "." or relative in self._dirs:
            return relative, None
        parts = PurePosixPath(relative).parts
        for n in range(1, len(parts) + 1):
            prefix = "/".join(parts[:n])
            entry = entries.get(prefix)
            if entry is None:
                continue
            if entry.mode == "120000":
                raise ToolRefused(
                    f"{relative}: {prefix} is a symbolic link, which is never followed"
                )
            if entry.mode == "160000":
                raise ToolRefused(f"{relative}: {prefix} is a submodule, which is never fetched")
            if n == len(parts):
                return relative, entry
        raise ToolRefused(f"{relative}: no such file or directory")

    # -- reading -----------------------------------------------------------------------------

    def text_lines(self, path: str) -> tuple[str, list[str]]:
        """(repository path, git's lines) of a regular text file, or ToolRefused."""
        relative, entry = self.resolve(path)
        if entry is None:
            raise ToolRefused(f"{relative}: is a directory; use list_files")
        if self.excluded(relative):
            raise ToolRefused(f"{relative}: excluded from review by the repository's configuration")
        if not entry.regular:
            raise ToolRefused(f"{relative}: not a regular file")
        size = self.sizes([entry.oid])[entry.oid]
        if size is None or size > self.limits.max_file_bytes:
            over = f"{size} bytes is" if size is not None else "it is"
            raise ToolRefused(
                f"{relative}: {over} over the {self.limits.max_file_bytes}-byte limit; "
                "use search to find what you need in it"
            )
        data = self.blobs([entry.oid])[entry.oid]
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
        """Files and folders under `path`, `depth` levels deep; links and submodules shown
        but not followed."""
        relative, entry = self.resolve(path)
        if entry is not None:
            raise ToolRefused(f"{relative}: not a directory; use read_file")
        depth = min(max(1, _as_int(depth, 2)), 6)
        prefix = "" if relative == "." else f"{relative}/"
        shown: dict[str, Entry | None] = {}
        for name in sorted(self.entries()):
            if not name.startswith(prefix):
                continue
            parts = PurePosixPath(name[len(prefix) :]).parts
            for n in range(1, min(depth, len(parts)) + 1):
                key = prefix + "/".join(parts[:n])
                shown.setdefault(key, self.entries()[name] if n == len(parts) else None)
        rows = []
        limit = self.limits.max_list_entries
        sizes = self.sizes([e.oid for e in list(shown.values())[:limit] if e and e.regular])
        for name, item in list(shown.items())[:limit]:
            rows.append(_listed(name, item, sizes))
        truncated = len(shown) > limit
        header = f"{relative}/ ({len(rows)} entries{', cut' if truncated else ''}):"
        if truncated:
            rows.append(f"(cut at {limit} entries: list a subfolder)")
        return _cap("\n".join([header, *rows]), self.limits.max_chars_per_call)

    def search(
        self, text: str, path: str = ".", glob: str | None = None, case_sensitive: bool = False
    ) -> str:
        """Lines containing `text` (a plain string, not a pattern) in the files under `path`."""
        if not isinstance(text, str) or len(text.strip()) < 2 or len(text) > 200:
            raise ToolRefused("search text must be 2 to 200 characters")
        if "\n" in text:
            raise ToolRefused("search text must be on one line")
        relative, entry = self.resolve(path)
        needle = text if case_sensitive else text.lower()
        listed = [relative] if entry else self._files_under(relative)
        candidates = [p for p in listed if not self.excluded(p)]
        if glob:
            candidates = [
                p for p in candidates
                if fnmatch.fnmatch(p, glob) or fnmatch.fnmatch(p.rsplit("/")[-1], glob)
            ]  # fmt: skip
        hits, scanned, stopped = self._scan(candidates, needle, case_sensitive)
        where = "the repository" if relative == "." else relative
        if not hits:
            return f"no matches in {where} ({scanned} files searched)"
        header = f"{len(hits)} matches in {where}{f' ({stopped})' if stopped else ''}:"
        return _cap("\n".join([header, *hits]), self.limits.max_chars_per_call)

    def _files_under(self, relative: str) -> list[str]:
        prefix = "" if relative == "." else f"{relative}/"
        return sorted(p for p, e in self.entries().items() if p.startswith(prefix) and e.regular)

    def _scan(
        self, paths: list[str], needle: str, case_sensitive: bool
    ) -> tuple[list[str], int, str]:
        """Matching lines of `paths`, read a batch at a time within the search limits."""
        limits, entries = self.limits, self.entries()
        hits: list[str] = []
        scanned = read_bytes = 0
        for start in range(0, len(paths), _BATCH):
            batch = paths[start : start + _BATCH]
            sizes = self.sizes([entries[p].oid for p in batch])
            readable = [p for p in batch if (sizes[entries[p].oid] or 0) <= limits.max_file_bytes
                        and sizes[entries[p].oid] is not None]  # fmt: skip
            contents = self.blobs([entries[p].oid for p in readable])
            for path in readable:
                if scanned >= limits.max_search_files:
                    return hits, scanned, f"stopped after {scanned} files"
                if read_bytes >= limits.max_search_bytes:
                    return hits, scanned, f"stopped after {read_bytes} bytes"
                data = contents[entries[path].oid]
                if b"\x00" in data[:BINARY_SNIFF_BYTES]:
                    continue
                scanned += 1
                read_bytes += len(data)
                for number, line in enumerate(split_lines(data), 1):
                    if needle in (line if case_sensitive else line.lower()):
                        hits.append(f"{path}:{number}: {_clip(display(line).strip(), 300)}")
                        if len(hits) >= limits.max_search_results:
                            return hits, scanned, f"first {len(hits)} matches only"
        return hits, scanned, ""


def _listed(name: str, item: Entry | None, sizes: dict[str, int | None]) -> str:
    if item is None:
        return f"{name}/"
    if item.mode == "120000":
        return f"{name} (symbolic link, not followed)"
    if item.mode == "160000":
        return f"{name} (submodule, not fetched)"
    size = sizes.get(item.oid)
    return f"{name} ({size} bytes)" if size is not None else f"{name} (not available)"


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
