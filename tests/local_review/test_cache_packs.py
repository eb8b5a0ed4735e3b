"""The findings cache on disk: an analyser run's entries in one pack file, each key's
index path a hard link to it (`agents.cache_packs`), so a cold review allocates a file
per analyser run, not per file, and a pack is parsed once however many keys it serves."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

import agents.cache_packs as packs_module
from agents.cache import FORMAT, FindingsCache, Lookup, write_returned

N = 12


def files(count: int) -> dict[str, str]:
    return {f"pkg/mod_{n}.py": f"value_{n} = {n}\n" for n in range(count)}


def again(done) -> None:
    """Make the next review of the same change a new one (not the finished one)."""
    done.run.report_file.unlink()
    for result in done.run.findings_dir.iterdir():
        result.unlink()


def on_disk(folder: Path) -> tuple[list[Path], list[Path]]:
    """The packs of a cache folder, and its index paths."""
    return sorted((folder / "packs").glob("*")), sorted(folder.glob("??/*.json"))


def entry(n: int) -> dict[str, object]:
    return {"format": FORMAT, "path": f"f{n}.py", "value": n}


def key(n: int) -> str:
    return f"{n:064x}"


def test_a_cold_run_writes_one_pack_every_entry_links_to_and_a_follow_up_adds_one(
    make_repo, review_repo, tmp_path
) -> None:
    workspace = tmp_path / "workspace"
    repo = make_repo([{"README.md": "hi\n"}, files(N)])
    base = repo.base
    first = review_repo(repo, root=workspace, agents=("style",))  # ruff alone
    assert first.report.agents["style"].cache == {"hits": 0, "misses": N}
    folder = first.run.findings_cache_dir
    packs, index = on_disk(folder)
    # ruff's run (an entry per file, the whole run's and its pointer) and the agent's
    # combined result (`agents.run_cache.load_agent_run`): a pack each
    by_links = sorted(packs, key=lambda p: p.stat().st_nlink)
    agent_pack, pack = by_links
    assert len(index) == N + 3
    assert {p.stat().st_ino for p in index} == {pack.stat().st_ino, agent_pack.stat().st_ino}
    assert pack.stat().st_nlink == N + 3  # and its own name in packs/
    assert agent_pack.stat().st_nlink == 2
    everything = [p.lstat() for p in folder.rglob("*") if p.is_file()]
    assert len({(i.st_dev, i.st_ino) for i in everything}) == 2  # two files created

    again(first)
    second = review_repo(repo, root=workspace, agents=("style",))
    assert second.report.agents["style"].cache == {"hits": N, "misses": 0}
    assert on_disk(folder) == (packs, index)  # a hit writes nothing

    repo.commit({"pkg/mod_0.py": "value_0 = 100\n"})
    follow = review_repo(repo, base=base, root=workspace, agents=("style",))
    assert follow.report.agents["style"].cache == {"hits": N - 1, "misses": 1}
    after, index = on_disk(folder)
    new_run, new_agent = sorted(set(after) - set(packs), key=lambda p: -p.stat().st_nlink)
    # mod_0's new version, the new whole run and the pointer to it (moved from the first)
    assert new_run.stat().st_nlink == 4
    assert new_agent.stat().st_nlink == 2
    assert len(index) == N + 6  # and the agent's new combined result
    assert pack.stat().st_nlink == N + 2  # the first review's entries are all still there


def test_a_pack_is_parsed_once_for_all_the_keys_it_holds(tmp_path: Path, monkeypatch) -> None:
    packs_module.write_pack(tmp_path, {key(n): entry(n) for n in range(300)})
    parsed = []
    parse = packs_module._entries
    monkeypatch.setattr(packs_module, "_entries", lambda data: parsed.append(1) or parse(data))
    store = FindingsCache(tmp_path, "identity")
    assert [store.read_raw(key(n)) for n in range(300)] == [entry(n) for n in range(300)]
    assert len(parsed) == 1
    FindingsCache(tmp_path, "identity").read_raw(key(7))  # another reader parses it itself
    assert len(parsed) == 2


@pytest.mark.parametrize(
    "pack",
    [
        b'{"format": 4, "entries": {"0',  # cut short
        json.dumps({"format": FORMAT, "entries": {key(99): entry(99)}}).encode(),  # no key
        json.dumps({"format": FORMAT - 1, "entries": {key(1): entry(1)}}).encode(),
        json.dumps({"format": FORMAT, "entries": [entry(1)]}).encode(),
        json.dumps({"format": FORMAT, "entries": {key(1): "not an entry"}}).encode(),
    ],
    ids=["damaged", "without-the-key", "another-format", "entries-not-an-object", "not-a-dict"],
)
def test_a_pack_that_does_not_hold_the_entry_is_a_miss(tmp_path: Path, pack: bytes) -> None:
    packs_module.write_pack(tmp_path, {key(1): entry(1), key(2): entry(2)})
    index = Path(packs_module.index_path(tmp_path, key(1)))
    index.unlink()
    index.write_bytes(pack)
    store = FindingsCache(tmp_path, "identity")
    assert store.read_raw(key(1)) is None
    assert store.read_raw(key(2)) == entry(2)  # its pack is untouched
    assert store.load({"f1.py": Lookup(key(1))}) == {} and store.misses == 1


def test_storing_a_key_again_links_it_to_the_new_pack(tmp_path: Path) -> None:
    packs_module.write_pack(tmp_path, {key(1): entry(1), key(2): entry(2)})
    (old,) = on_disk(tmp_path)[0]
    packs_module.write_pack(tmp_path, {key(1): entry(10)})
    store = FindingsCache(tmp_path, "identity")
    assert store.read_raw(key(1)) == entry(10) and store.read_raw(key(2)) == entry(2)
    assert old.stat().st_nlink == 2  # its name and key 2's index link
    assert not list(tmp_path.rglob("*.tmp"))


def no_links(error: BaseException, after: int = 0):
    """An os.link that makes `after` links, then raises `error`."""
    made = []
    link = os.link

    def fake(source, target, *args, **kwargs):
        if len(made) >= after:
            raise error
        link(source, target, *args, **kwargs)
        made.append(target)

    return fake


@pytest.mark.parametrize(
    "error",
    [
        OSError(errno.EXDEV, "Invalid cross-device link"),
        OSError(errno.EPERM, "Operation not permitted"),
        OSError(errno.ENOTSUP, "Operation not supported"),
        OSError(524, "Unknown error 524"),  # Linux's ENOTSUPP, through an NFS client
        NotImplementedError("link"),
    ],
    ids=["EXDEV", "EPERM", "ENOTSUP", "ENOTSUPP", "NotImplementedError"],
)
def test_without_hard_links_each_entry_is_a_pack_of_its_own(
    tmp_path: Path, monkeypatch, error: BaseException
) -> None:
    monkeypatch.setattr(packs_module.os, "link", no_links(error))
    store = FindingsCache(tmp_path, "identity")
    for n in range(3):
        store.stage(key(n), entry(n))
    store.flush()
    assert not store.unwritten
    packs, index = on_disk(tmp_path)
    assert packs == []  # nothing links to a shared pack: none is kept
    assert len({p.stat().st_ino for p in index}) == 3
    for n, path in enumerate(index):
        assert json.loads(path.read_text()) == {"format": FORMAT, "entries": {key(n): entry(n)}}
    fresh = FindingsCache(tmp_path, "identity")
    assert [fresh.read_raw(key(n)) for n in range(3)] == [entry(n) for n in range(3)]
    tried = []
    monkeypatch.setattr(packs_module.os, "link", lambda *args: tried.append(args))
    packs_module.write_pack(tmp_path, {key(5): entry(5)})  # no pack, no link tried again
    assert not tried and on_disk(tmp_path)[0] == []
    assert fresh.read_raw(key(5)) == entry(5)


def test_a_pack_with_no_more_links_to_give_leaves_the_rest_to_their_own_packs(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(packs_module.os, "link", no_links(OSError(errno.EMLINK, "Too many"), 2))
    packs_module.write_pack(tmp_path, {key(n): entry(n) for n in range(5)})
    (pack,), index = on_disk(tmp_path)
    assert pack.stat().st_nlink == 3  # the first two keys link to it
    assert len({p.stat().st_ino for p in index}) == 4
    store = FindingsCache(tmp_path, "identity")
    assert [store.read_raw(key(n)) for n in range(5)] == [entry(n) for n in range(5)]


def test_a_read_only_workspace_returns_its_entries_and_the_workflow_writes_one_pack(
    tmp_path: Path, monkeypatch
) -> None:
    def read_only(*args: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    store = FindingsCache(tmp_path, "identity")
    with monkeypatch.context() as patch:
        patch.setattr("agents.cache.write_pack", read_only)
        for n in range(3):
            store.stage(key(n), entry(n))
        assert store.read_raw(key(1)) == entry(1)  # read from memory before the flush
        store.flush()
    assert store.unwritten == {key(n): entry(n) for n in range(3)}
    assert not list(tmp_path.rglob("*"))
    returned = json.loads(json.dumps({**store.unwritten, key(9): {"format": FORMAT - 1}}))
    assert write_returned(tmp_path, returned) == 3  # another format's entry is not written
    (pack,), index = on_disk(tmp_path)
    assert len(index) == 3 and pack.stat().st_nlink == 4
    fresh = FindingsCache(tmp_path, "identity")
    assert [fresh.read_raw(key(n)) for n in range(3)] == [entry(n) for n in range(3)]
    assert fresh.read_raw(key(9)) is None
