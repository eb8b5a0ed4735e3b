"""The store of checked-out blobs: a file a review of the repository wrote before is a hard
link to it in the next run folder, never a damaged, altered or other-mode copy, and it is
written as before where links cannot be made."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from orchestrator import checkout_blobs, steps
from orchestrator.checkout_blobs import CheckoutBlobs, object_id
from review.git import Git
from review.request import ReviewRequest
from review.workspace import Workspace

BODY = {f"pkg/mod_{n}.py": f"VALUE_{n} = {n}\n" * 20 for n in range(5)}


@pytest.fixture
def repo(make_repo):
    """Files modified in the last commit (so head and base are both written), then a
    follow-up commit that changes one of them."""
    repo = make_repo(
        [
            {"README.md": "hi\n", **{p: "# old\n" + b for p, b in BODY.items()}},
            {**BODY, "pkg/same.py": "x = 1\n", "pkg/copy.py": "x = 1\n"},
        ]
    )
    return repo


def clone(repo, root: Path, head: str | None = None):
    """The clone step of a review of `head` (default: the last commit) against the base."""
    request = ReviewRequest(str(repo.path), str(repo.path), head or repo.head, repo.commits[0])
    run = Workspace(root).run(request.run_id)
    steps.prepare(run, request)
    steps.clone(run, request)
    return run


def inode(path: Path) -> int:
    return path.stat().st_ino


def entries(root: Path) -> list[Path]:
    return sorted(p for p in (root / "runs" / ".checkout-blobs").rglob("*") if p.is_file())


def new_file_mode(tmp_path: Path) -> int:
    (tmp_path / "probe").write_bytes(b"")
    return stat.S_IMODE((tmp_path / "probe").stat().st_mode)


def test_a_blob_checked_out_before_is_a_link_in_the_next_run_folder(repo, tmp_path) -> None:
    root = tmp_path / "ws"
    first = clone(repo, root)
    follow_up = repo.commit({"pkg/mod_0.py": BODY["pkg/mod_0.py"] + "y = 2\n"})
    second = clone(repo, root, follow_up)
    assert first.path != second.path
    for side in ("src", "base"):
        for path in BODY.keys() - {"pkg/mod_0.py"}:
            old, new = first.path / side / path, second.path / side / path
            assert inode(old) == inode(new)  # one file, in both run folders and the store
            assert new.read_bytes() == old.read_bytes()
    changed = second.src / "pkg/mod_0.py"
    assert inode(changed) != inode(first.src / "pkg/mod_0.py")
    assert changed.read_text().endswith("y = 2\n")
    # two paths of one blob in one checkout are one file too
    assert inode(second.src / "pkg/same.py") == inode(second.src / "pkg/copy.py")
    # the mode a written file has always had, for every file
    mode = new_file_mode(tmp_path)
    for path in second.src.rglob("*.py"):
        assert stat.S_IMODE(path.stat().st_mode) == mode
    # the store holds each blob once, named by its id and mode
    blob = repo.git("rev-parse", f"{follow_up}:pkg/mod_1.py")
    (entry,) = [e for e in entries(root) if e.name.startswith(blob)]
    assert entry.name == f"{blob}-{mode:03o}"
    assert inode(entry) == inode(second.src / "pkg/mod_1.py")


@pytest.mark.parametrize("damage", ["shorter", "same size, other bytes", "other mode"])
def test_a_damaged_or_altered_entry_is_not_linked_but_replaced(repo, tmp_path, damage) -> None:
    root = tmp_path / "ws"
    first = clone(repo, root)
    target = first.src / "pkg/mod_1.py"  # a link to its store entry
    original = target.read_bytes()
    if damage == "shorter":
        target.write_bytes(original[:-1])
    elif damage == "same size, other bytes":
        target.write_bytes(original.replace(b"VALUE", b"EVIL!"))
    else:
        target.chmod(0o600)
    follow_up = repo.commit({"README.md": "again\n"})
    second = clone(repo, root, follow_up)
    fresh = second.src / "pkg/mod_1.py"
    assert fresh.read_bytes() == original
    assert inode(fresh) != inode(target)  # written, not linked to the damaged file
    assert stat.S_IMODE(fresh.stat().st_mode) == new_file_mode(tmp_path)
    # the entry is the fresh file now: the next review links that one
    third = clone(repo, root, repo.commit({"README.md": "once more\n"}))
    assert inode(third.src / "pkg/mod_1.py") == inode(fresh)


def test_another_umask_gets_entries_of_its_own_mode(repo, tmp_path) -> None:
    root = tmp_path / "ws"
    first = clone(repo, root)
    old = os.umask(0o077)
    try:
        second = clone(repo, root, repo.commit({"README.md": "again\n"}))
    finally:
        os.umask(old)
    path = "pkg/mod_1.py"
    assert stat.S_IMODE((second.src / path).stat().st_mode) == 0o600
    assert stat.S_IMODE((first.src / path).stat().st_mode) == new_file_mode(tmp_path)
    assert inode(second.src / path) != inode(first.src / path)
    assert {e.name.rsplit("-", 1)[1] for e in entries(root)} == {
        "600",
        f"{new_file_mode(tmp_path):03o}",
    }


@pytest.mark.parametrize("error", [errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP])
def test_files_are_written_where_links_cannot_be_made(repo, tmp_path, monkeypatch, error) -> None:
    tried: list[str] = []

    def no_links(source, target, **kwargs) -> None:
        tried.append(str(target))
        if not os.path.isdir(os.path.dirname(target)):  # looked up first, as the kernel does
            raise FileNotFoundError(errno.ENOENT, "No such file or directory")
        raise OSError(error, os.strerror(error))

    monkeypatch.setattr(os, "link", no_links)
    monkeypatch.setattr(checkout_blobs, "_WITHOUT_LINKS", set())
    root = tmp_path / "ws"
    runs = [clone(repo, root), clone(repo, root, repo.commit({"README.md": "again\n"}))]
    for run in runs:
        for path, body in BODY.items():
            assert (run.src / path).read_text() == body
            assert (run.src / path).stat().st_nlink == 1
    # no repository's folder is left in the store, so the next review looks nothing up
    assert not list((root / "runs").glob(".checkout-blobs/*"))
    assert tried  # the store was tried, and the files written when it failed
    # one failure, not one per file: the process remembers the store has no links
    assert len(tried) == 2  # the folder missing, then the link refused


def test_only_an_object_id_names_an_entry(tmp_path) -> None:
    store = tmp_path / "store"
    written = tmp_path / "file"
    written.write_bytes(b"x")
    oid = object_id(b"x", 40)
    blobs = CheckoutBlobs(store)
    for bad in ("../../escape", oid[:39], oid.upper(), oid + "0", f"{oid[:38]}/x"):
        blobs.keep(bad, written)
        assert blobs.contents({bad: 1}) == {}
    assert not store.exists()
    blobs.keep(oid, written)
    assert CheckoutBlobs(store).contents({oid: 1}) == {oid: b"x"}
    sha256 = object_id(b"x", 64)
    assert len(sha256) == 64
    blobs.keep(sha256, written)
    assert CheckoutBlobs(store).contents({sha256: 1, oid: 2}) == {sha256: b"x"}  # sizes differ


def test_the_sizes_of_blobs_written_before_are_read_from_the_store(repo, tmp_path) -> None:
    """A follow-up asks git the sizes of its new blobs and of those whose entry is not
    intact only: an entry's size counts when its content hashes to its blob id."""
    root = tmp_path / "ws"
    first = clone(repo, root)
    (first.src / "pkg/mod_1.py").write_bytes(b"x")  # its entry, altered: size 1
    follow_up = repo.commit({"pkg/mod_0.py": BODY["pkg/mod_0.py"] + "y = 2\n"})
    asked: list[str] = []
    real_run = Git.run

    def recording(self, *args, **kwargs):
        if args[:2] == ("cat-file", "--batch-check"):
            asked.extend(kwargs["input_bytes"].decode().split())
        return real_run(self, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Git, "run", recording)
        second = clone(repo, root, follow_up)
    blob = {
        path: repo.git("rev-parse", f"{follow_up}:{path}")
        for path in ("pkg/mod_0.py", "pkg/mod_1.py")
    }
    assert sorted(asked) == sorted(blob.values())
    assert (second.src / "pkg/mod_1.py").read_text() == BODY["pkg/mod_1.py"]


def test_store_sizes_hold_contents_within_their_budget(tmp_path) -> None:
    store = tmp_path / "store"
    kept = {}
    for body in (b"one", b"three", b"eleven bytes"):
        written = tmp_path / "file"
        written.write_bytes(body)
        oid = object_id(body, 40)
        CheckoutBlobs(store).keep(oid, written)
        written.unlink()
        kept[oid] = body
    missing = object_id(b"never kept", 40)
    blobs = CheckoutBlobs(store)
    sizes = blobs.sizes([*kept, missing], limit=5, budget=3)
    assert sizes == {oid: len(body) for oid, body in kept.items() if len(body) <= 5}
    for entry in store.iterdir():
        entry.unlink()  # what was held is not read again; the rest cannot be
    (one,) = [oid for oid, body in kept.items() if body == b"one"]
    assert blobs.contents(sizes) == {one: b"one"}
