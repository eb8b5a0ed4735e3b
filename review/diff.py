"""The change under review: changed files, their hunks, and which lines a finding may sit on.

Hunks are parsed by `unidiff`; file names, statuses and modes come from git's
NUL-separated `--raw -z` listing, which is exact for names with spaces, quotes or newlines
where the patch headers are quoted. The same model serves the local diff and the
per-file `patch` texts GitHub returns.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, NamedTuple

from unidiff import PatchSet


class FilterMode(StrEnum):
    """Which findings survive: reviewdog's `-filter-mode` names, and `introduced`.

    `introduced` (the default) keeps what the change brought in: a finding compared with
    the base version of its file (`Finding.baseline_state` set) anywhere in a changed file,
    where the review then tells introduced ("new") from pre-existing ("unchanged") ones;
    a finding that was not compared on added or modified lines only, as `added`.
    """

    INTRODUCED = "introduced"  # compared with the base: a changed file; else as ADDED
    ADDED = "added"  # only added or modified lines
    DIFF_CONTEXT = "diff_context"  # any line shown in a hunk
    FILE = "file"  # anywhere in a changed file
    NOFILTER = "nofilter"  # everything, even files outside the change


class FileStatus(StrEnum):
    ADDED = "added"
    MODIFIED = "modified"
    DELETED = "deleted"
    RENAMED = "renamed"
    COPIED = "copied"
    TYPE_CHANGED = "type_changed"


_GIT_STATUS = {
    "A": FileStatus.ADDED,
    "M": FileStatus.MODIFIED,
    "D": FileStatus.DELETED,
    "R": FileStatus.RENAMED,
    "C": FileStatus.COPIED,
    "T": FileStatus.TYPE_CHANGED,
}


class FileKind(StrEnum):
    FILE = "file"
    SYMLINK = "symlink"  # data: never followed, never analysed
    SUBMODULE = "submodule"  # never fetched


@dataclass(frozen=True)
class Hunk:
    """One hunk, in new-file line numbers."""

    start: int
    length: int
    added: tuple[int, ...]
    context: tuple[int, ...]

    @property
    def lines(self) -> range:
        return range(self.start, self.start + self.length)


@dataclass
class ChangedFile:
    path: str
    status: FileStatus
    old_path: str | None = None
    kind: FileKind = FileKind.FILE
    binary: bool = False
    hunks: list[Hunk] = field(default_factory=list)
    blob: str | None = None  # git's object id of the new version (None: deleted)
    old_blob: str | None = None  # and of the old version (None: added)
    skipped: str | None = None  # why no agent reads it though it is a text file

    @property
    def reviewable(self) -> bool:
        """Whether the new version exists and is a text file an agent is to read."""
        return (
            self.status != FileStatus.DELETED
            and self.kind is FileKind.FILE
            and not self.binary
            and self.skipped is None
        )

    @property
    def added_lines(self) -> frozenset[int]:
        return frozenset(itertools.chain.from_iterable(h.added for h in self.hunks))

    @property
    def hunk_lines(self) -> frozenset[int]:
        return frozenset(n for h in self.hunks for n in (*h.added, *h.context))

    def hunk_of(self, line: int) -> Hunk | None:
        return next((h for h in self.hunks if line in h.lines), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "status": self.status.value,
            "old_path": self.old_path,
            "kind": self.kind.value,
            "binary": self.binary,
            "hunks": [
                {"start": h.start, "length": h.length, "added": h.added, "context": h.context}
                for h in self.hunks
            ],
            "blob": self.blob,
            "old_blob": self.old_blob,
            "skipped": self.skipped,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ChangedFile:
        return cls(
            path=data["path"],
            status=FileStatus(data["status"]),
            old_path=data.get("old_path"),
            kind=FileKind(data.get("kind", FileKind.FILE.value)),
            binary=bool(data.get("binary")),
            hunks=[
                Hunk(h["start"], h["length"], tuple(h["added"]), tuple(h["context"]))
                for h in data.get("hunks", ())
            ],
            blob=data.get("blob"),
            old_blob=data.get("old_blob"),
            skipped=data.get("skipped"),
        )


@dataclass
class Diff:
    """Every changed file of the change, by its new path."""

    files: dict[str, ChangedFile] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.files)

    def get(self, path: str) -> ChangedFile | None:
        return self.files.get(path)

    def reviewable(self) -> list[ChangedFile]:
        """Files whose new version exists and is text."""
        return [f for f in self.files.values() if f.reviewable]

    def accepts(
        self,
        path: str,
        line: int,
        end_line: int | None,
        mode: FilterMode,
        baseline_state: str | None = None,
    ) -> bool:
        """Whether a finding on `path` lines line..end_line passes the filter.

        `baseline_state` is the finding's (None: not compared with the base); only the
        `introduced` mode reads it.
        """
        if mode is FilterMode.NOFILTER:
            return True
        changed = self.files.get(path)
        if changed is None or changed.status == FileStatus.DELETED:
            return False
        if mode is FilterMode.FILE or (mode is FilterMode.INTRODUCED and baseline_state):
            return True
        return self.touches(path, line, end_line, hunks=mode is FilterMode.DIFF_CONTEXT)

    def touches(self, path: str, line: int, end_line: int | None, hunks: bool = False) -> bool:
        """Whether lines line..end_line of `path` include an added or modified line (with
        `hunks`, any line shown in a hunk)."""
        changed = self.files.get(path)
        if changed is None:
            return False
        span = range(line, (end_line or line) + 1)
        wanted = changed.hunk_lines if hunks else changed.added_lines
        return any(n in wanted for n in span)

    def comment_range(
        self, path: str, line: int, last: int | None
    ) -> tuple[int | None, int] | None:
        """Where a review comment on `path` lines line..last may sit, or None.

        GitHub takes a comment only on a RIGHT-side line of a hunk it shows (an added or
        context line), and a multi-line comment only within one hunk; a whole review is
        rejected with 422 when one comment breaks this. The answer is (start_line, line):
        (line, last) when the whole range fits one hunk, else (None, line) for the first
        line alone.
        """
        changed = self.files.get(path)
        hunk = changed.hunk_of(line) if changed else None
        if hunk is None:
            return None
        if last is not None and last > line and last in hunk.lines:
            return line, last
        return None, line

    def to_dict(self) -> dict[str, Any]:
        return {"files": [f.to_dict() for f in self.files.values()]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Diff:
        changed = (ChangedFile.from_dict(f) for f in data.get("files", ()))
        return cls({f.path: f for f in changed})


@dataclass
class Change:
    """What a review compares (the run folder's `diff.json`): the requested base and head,
    their merge base, every changed file, and notes on what was left out."""

    base: str
    head: str
    merge_base: str
    diff: Diff
    notes: list[str] = field(default_factory=list)
    checkout: str = ""  # what decided the files written (`orchestrator.steps.checkout_recipe`)

    def to_dict(self) -> dict[str, Any]:
        return {
            "base": self.base,
            "head": self.head,
            "merge_base": self.merge_base,
            "notes": list(self.notes),
            "checkout": self.checkout,
            **self.diff.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Change:
        return cls(
            base=str(data["base"]),
            head=str(data["head"]),
            merge_base=str(data["merge_base"]),
            diff=Diff.from_dict(data),
            notes=[str(n) for n in data.get("notes", ())],
            checkout=str(data.get("checkout") or ""),
        )


@dataclass
class ShownDiff:
    """The diff a code host shows on the pull request (the run folder's `github_diff.json`):
    the lines it lets a review comment on, and notes on files it does not list."""

    diff: Diff
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"notes": list(self.notes), **self.diff.to_dict()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ShownDiff:
        return cls(Diff.from_dict(data), [str(n) for n in data.get("notes", ())])


class RawEntry(NamedTuple):
    """One entry of `git diff --raw -z --full-index`: a changed path, its old path when
    renamed or copied, its new mode and both object ids (None where there is no object)."""

    status: FileStatus
    old_path: str | None
    path: str
    mode: str
    old_blob: str | None
    blob: str | None
    old_mode: str = "000000"


def parse_raw(raw: bytes) -> list[RawEntry]:
    """Parse `git diff --raw -z` output."""
    fields = raw.decode("utf-8", "surrogateescape").split("\x00")
    entries: list[RawEntry] = []
    i = 0
    while i < len(fields) and fields[i]:
        old_mode, new_mode, old_blob, blob, code = fields[i].lstrip(":").split(" ")
        status = _GIT_STATUS.get(code[0], FileStatus.MODIFIED)
        renamed = code[0] in "RC"
        old_path, path = (fields[i + 1], fields[i + 2]) if renamed else (None, fields[i + 1])
        entries.append(
            RawEntry(status, old_path, path, new_mode, _oid(old_blob), _oid(blob), old_mode)
        )
        i += 3 if renamed else 2
    return entries


def split_raw(output: bytes) -> tuple[bytes, bytes]:
    """Split the output of one `git diff --raw -z` run that also asked for another format
    (`--numstat`, or `--patch`, that is `--patch-with-raw`) into the raw listing and what
    follows it.

    git prints the raw records first, each `:<modes> <oids> <status>` and its one path (two
    for a rename or copy), every field NUL-terminated ("Raw output format" and `-z` in
    git-diff(1)); a patch follows after one more NUL, numstat records straight away. The
    records are walked by their structure, so no path can be taken for a boundary."""
    end = 0
    while output.startswith(b":", end):
        header_end = output.find(b"\x00", end)
        status = output[end:header_end].rsplit(b" ", 1)[-1][:1]  # R100: a rename
        for _ in range(2 if status in (b"R", b"C") else 1):
            if header_end < 0:
                break
            header_end = output.find(b"\x00", header_end + 1)
        if header_end < 0:
            raise ValueError("git's raw listing ends inside a record")
        end = header_end + 1
    rest = end + 1 if output.startswith(b"\x00", end) else end
    return output[:end], output[rest:]


def _oid(text: str) -> str | None:
    return None if not text.strip("0") else text


def hunks_of_patch(patch_text: str) -> tuple[list[Hunk], bool]:
    """Hunks of one file's patch (with or without file headers) and whether it is binary."""
    if not patch_text.startswith(("diff --git", "--- ")):
        patch_text = f"--- a/file\n+++ b/file\n{patch_text}"
    if not patch_text.endswith("\n"):
        patch_text += "\n"
    patched = PatchSet(patch_text)
    if not patched:
        return [], False
    return _hunks(patched[0]), patched[0].is_binary_file


def build_diff(raw_listing: bytes, patch_text: str, allow_missing_patch: bool = False) -> Diff:
    """Combine git's exact name listing with the hunks of the full patch.

    Both come from one `git diff --raw -z --patch` run (`split_raw`), so files appear in
    the same order in each; the listing is authoritative for names. A type change (a file that
    became a symbolic link, or the reverse) is one entry of the listing but two blocks of
    the patch, the old object deleted and the new one created: its hunks are the new
    one's. With `allow_missing_patch` and no patch text, the files are listed without
    hunks. ValueError when the two disagree in any other way.
    """
    entries = parse_raw(raw_listing)
    patched = list(PatchSet(patch_text)) if patch_text.strip() else []
    if allow_missing_patch and not patched:
        return Diff({e.path: _changed(e) for e in entries})
    blocks = iter(patched)
    files: dict[str, ChangedFile] = {}
    for entry in entries:
        block = next(blocks, None)
        if block is not None and entry.status is FileStatus.TYPE_CHANGED and block.is_removed_file:
            block = next(blocks, None)  # the created half carries the new content
        if block is None:
            raise ValueError(f"git listed {len(entries)} changed files but the patch has fewer")
        changed = _changed(entry)
        changed.binary = block.is_binary_file
        changed.hunks = _hunks(block)
        files[entry.path] = changed
    if next(blocks, None) is not None:
        raise ValueError(f"git listed {len(entries)} changed files but the patch has more")
    return Diff(files)


def _changed(entry: RawEntry) -> ChangedFile:
    return ChangedFile(
        path=entry.path,
        status=entry.status,
        old_path=entry.old_path,
        kind=kind_of_mode(entry.mode),
        blob=entry.blob,
        old_blob=entry.old_blob,
    )


def kind_of_mode(mode: str) -> FileKind:
    """The kind of a tree entry of git mode `mode` (`120000` a link, `160000` a submodule)."""
    return {"120000": FileKind.SYMLINK, "160000": FileKind.SUBMODULE}.get(mode, FileKind.FILE)


def _hunks(patched_file: Any) -> list[Hunk]:
    hunks = []
    for hunk in patched_file:
        added, context = [], []
        for line in hunk:
            if line.is_added:
                added.append(line.target_line_no)
            elif line.is_context:
                context.append(line.target_line_no)
        hunks.append(Hunk(hunk.target_start, hunk.target_length, tuple(added), tuple(context)))
    return hunks
