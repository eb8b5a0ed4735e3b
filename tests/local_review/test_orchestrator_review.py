"""Whole local reviews of awkward and hostile changes: a clear result, never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

import orchestrator.change as change
from agents.registry import get_agent
from review.diff import FilterMode

EVAL = "import os\nx = eval(input())\n"  # B307 on line 2, F401 (unused os) on line 1
AWS_KEY = 'aws_access_key_id = "AKIAIOSFODNN7EXAMPLE"\n'
ODD_NAMES = [
    "sp ace.py",
    "ünïcødé.py",
    "br[ack]ets.py",
    "-dash.py",
    "(paren) {brace}.py",
    "glob*?.py",
    "dir with space/inner.py",
]


@pytest.fixture(scope="module")
def awkward(repo_factory, review_repo):
    """One change with every awkward kind of file, reviewed once."""
    repo = repo_factory(
        [
            {
                "orig.py": "def f():\n    return eval(input())\n",
                "deleted.py": "import subprocess\n\nsubprocess.call(input(), shell=True)\n",
                "keep.txt": "same\n",
            },
            {
                **{name: EVAL for name in ODD_NAMES},
                "renamed.py": repo_factory.move(
                    "orig.py", "def f():\n    return eval(input())\n\n\nexec(input())\n"
                ),
                "deleted.py": None,
                "blob.py": b"\x00\x01\x02" + EVAL.encode() + b"\xff\xfe\x00",
                "image.png": bytes(range(256)),
                "latin.py": b'name = "caf\xe9"\ny = eval(input())\n',
                "declared.py": b'# -*- coding: latin-1 -*-\nname = "caf\xe9"\ny = eval(input())\n',
                "empty.py": "",
            },
        ],
        name="awkward",
    )
    return review_repo(repo)


def test_awkward_names_are_reviewed_like_any_other(awkward) -> None:
    for name in ODD_NAMES:
        assert awkward.at(name) == [("B307", 2), ("F401", 1)], name


def test_renamed_files_are_reviewed_on_their_added_lines_only(awkward) -> None:
    assert awkward.at("renamed.py") == [("B102", 5)]  # not the eval kept from orig.py
    assert awkward.at("orig.py") == []


def test_deleted_and_binary_files_yield_nothing(awkward) -> None:
    for path in ("deleted.py", "blob.py", "image.png"):
        assert awkward.at(path) == []


def test_files_that_are_not_utf8_are_reported_clearly(awkward) -> None:
    report = awkward.report
    assert ("B307", 3) in awkward.at("declared.py")  # bandit honours a declared encoding
    security = report.agents["security"]
    assert security.status == "ok"
    assert any(note.startswith("latin.py: ") for note in security.notes)
    assert ("E902", 1) in awkward.at("latin.py")  # ruff says it cannot read it as UTF-8


def test_the_report_counts_every_changed_file(awkward) -> None:
    report = awkward.report
    # odd names, renamed, deleted, blob, image, latin, declared, empty
    assert report.files_changed == len(ODD_NAMES) + 7
    assert {s.status for s in report.agents.values()} == {"ok"}
    assert report.rejected == []


# --- symbolic links -------------------------------------------------------------------


@pytest.fixture(scope="module")
def linked(repo_factory, review_repo, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside")
    (outside / "secret.py").write_text(EVAL + AWS_KEY)
    (outside / "pkg").mkdir()
    (outside / "pkg" / "mod.py").write_text(EVAL + AWS_KEY)
    repo = repo_factory(
        [
            {"README.md": "hi\n"},
            {
                "abs_link.py": repo_factory.link(str(outside / "secret.py")),
                "rel_link.py": repo_factory.link("../../outside0/secret.py"),
                "dir_link": repo_factory.link(str(outside / "pkg")),
                "etc.py": repo_factory.link("/etc/passwd"),
                "real.py": EVAL,
            },
        ],
        name="linked",
    )
    reviewed = {
        mode: review_repo(repo, filter_mode=mode)
        for mode in (FilterMode.ADDED, FilterMode.NOFILTER)
    }
    return repo, reviewed, outside


def test_links_out_of_the_repository_are_never_read(linked) -> None:
    _, reviewed, _ = linked
    for done in reviewed.values():
        assert {f.path for f in done.report.findings} == {"real.py"}
        assert done.at("real.py") == [("B307", 2), ("F401", 1)]
        assert not any(
            "AKIA" in f.message or f.rule == "AWS Access Key" for f in done.report.findings
        )
        assert {s.status for s in done.report.agents.values()} == {"ok"}


def test_links_are_never_written_to_the_workspace(linked) -> None:
    _, reviewed, _ = linked
    run = reviewed[FilterMode.ADDED].run
    for name in ("abs_link.py", "rel_link.py", "dir_link", "etc.py"):
        assert not (run.src / name).exists() and not (run.src / name).is_symlink()
    assert [p.name for p in run.src.rglob("*")] == ["real.py"]  # only the changed file
    change = run.read_change()
    assert "etc.py: a symbolic link (never followed), not analysed" in change.notes


# --- hostile repository content ---------------------------------------------------------


@pytest.fixture
def hostile(make_repo, tmp_path, monkeypatch):
    """Repository content that asks tools to run commands or read outside the checkout."""
    marker = tmp_path / "executed"
    evil_config = tmp_path / "outside.toml"
    evil_config.write_text('[lint]\nignore = ["ALL"]\n')
    repo = make_repo(
        [
            {"README.md": "hi\n"},
            {
                ".gitattributes": "* filter=evil\n*.py filter=lfs diff=lfs merge=lfs\n",
                ".gitmodules": f'[submodule "x"]\n\tpath = x\n\turl = ext::sh -c touch% {marker}\n',
                "pyproject.toml": '[tool.ruff]\nextend = "/etc/passwd"\n'
                '[tool.ruff.lint]\nignore = ["ALL"]\n'
                '[tool.bandit]\nskips = ["B307", "B102"]\nexclude_dirs = ["."]\n',
                "ruff.toml": f'extend = "{evil_config}"\nexclude = ["*"]\n',
                "sub/.ruff.toml": 'extend = "/etc/shadow"\n',
                ".bandit": "[bandit]\nskips = B307,B102\nexclude = .\n",
                ".secrets.baseline": '{"version": "1.5.0", "results": {}, "filters_used": []}\n',
                "app.py": EVAL + "exec(input())\n" + AWS_KEY,
                "sub/mod.py": EVAL,
            },
        ]
    )
    repo.git("update-index", "--add", "--cacheinfo", f"160000,{repo.base},x")
    repo.git("commit", "-q", "-m", "submodule")
    repo.commits.append(repo.git("rev-parse", "HEAD"))
    monkeypatch.setenv("GIT_CONFIG_COUNT", "2")
    monkeypatch.setenv("GIT_CONFIG_KEY_0", "filter.evil.smudge")
    monkeypatch.setenv("GIT_CONFIG_VALUE_0", f"touch '{marker}'; cat")
    monkeypatch.setenv("GIT_CONFIG_KEY_1", "core.hooksPath")
    monkeypatch.setenv("GIT_CONFIG_VALUE_1", str(tmp_path / "hooks"))
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    for name in ("post-checkout", "reference-transaction"):
        (hooks / name).write_text(f"#!/bin/sh\ntouch '{marker}'\n")
        (hooks / name).chmod(0o755)
    return repo, marker


def test_repository_configuration_is_ignored_and_nothing_runs(hostile, review_repo) -> None:
    repo, marker = hostile
    done = review_repo(repo, base=repo.commits[0])
    assert not marker.exists()
    assert {n: s.status for n, s in done.report.agents.items()} == {
        "security": "ok",
        "style": "ok",
        "secrets": "ok",
    }
    # neither ruff's nor bandit's nor detect-secrets' repository settings took effect
    assert done.at("app.py") == [
        ("AWS Access Key", 4),
        ("B102", 3),
        ("B307", 2),
        ("F401", 1),
    ]
    assert done.at("sub/mod.py") == [("B307", 2), ("F401", 1)]
    assert not (done.run.src / "x" / ".git").exists()
    assert (done.run.src / "app.py").read_text().startswith(EVAL)  # not smudged


# --- size limits ------------------------------------------------------------------------


def test_files_over_the_byte_limit_are_skipped_with_a_note(make_repo, review_repo) -> None:
    big = EVAL + "".join(f"value_{n} = {n}\n" for n in range(40))
    repo = make_repo([{"a.py": "a = 1\n"}, {"big.py": big, "small.py": EVAL}])
    done = review_repo(repo, max_file_bytes=200)
    assert {f.path for f in done.report.findings} == {"small.py"}
    assert f"big.py: {len(big)} bytes is over the 200-byte limit, not analysed" in (
        done.report.notes
    )
    assert not (done.run.src / "big.py").exists()  # never written to the workspace
    for name in ("security", "style", "secrets"):
        assert done.report.agents[name].status == "ok"


def test_files_with_too_many_changed_lines_are_not_reviewed(
    make_repo, review_repo, monkeypatch
) -> None:
    monkeypatch.setattr(change, "MAX_CHANGED_LINES_PER_FILE", 10)
    big = EVAL + "".join(f"value_{n} = {n}\n" for n in range(40))
    repo = make_repo([{"a.py": "a = 1\n"}, {"big.py": big, "small.py": EVAL}])
    done = review_repo(repo)
    assert done.report.notes == ["big.py: over 10 changed lines, not analysed"]
    assert not (done.run.src / "big.py").exists()  # no agent reads it
    assert {f.path for f in done.report.findings} == {"small.py"}
    assert done.report.files_changed == 2


def test_a_change_of_thousands_of_files_completes(make_repo, review_repo) -> None:
    files = {f"pkg{n // 500}/mod_{n}.py": f"value_{n} = {n}\n" for n in range(3000)}
    files["pkg0/mod_0.py"] = EVAL
    repo = make_repo([{"README.md": "hi\n"}, files])
    done = review_repo(repo, max_files=25)
    report = done.report
    assert report.files_changed == 3000
    assert ("B307", 2) in done.at("pkg0/mod_0.py")  # the first files are still reviewed
    for name in ("security", "style", "secrets"):
        status = report.agents[name]
        assert status.status == "ok", status.error
        assert any("over the limit of 25 files" in n for n in status.notes)
        assert f"… and {3000 - 25 - 50} more files skipped" in status.notes
        tools = len(get_agent(name).analysers)  # security: bandit and ruff's S rules
        assert status.cache == {"hits": 0, "misses": 25 * tools}  # only the files it read


def test_reviewing_twice_gives_the_same_report(make_repo, review_repo, tmp_path: Path) -> None:
    repo = make_repo([{"a.py": "a = 1\n"}, {"a.py": EVAL}])
    first = review_repo(repo, root=tmp_path / "ws")
    second = review_repo(repo, root=tmp_path / "ws")
    assert second.run.path == first.run.path
    assert second.report.findings == first.report.findings


def test_fingerprints_survive_a_later_push_that_shifts_lines(make_repo, review_repo) -> None:
    repo = make_repo(
        [
            {"a.py": "a = 1\n"},
            {"a.py": "a = 1\n" + EVAL},
            {"a.py": '"""A docstring."""\n\n\na = 1\n' + EVAL},
        ]
    )
    base, first, second = repo.commits
    before = review_repo(repo, base=base, head=first).report.findings
    after = review_repo(repo, base=base, head=second).report.findings
    by_rule = {f.rule: f for f in before}
    assert {f.rule for f in after} == set(by_rule) == {"B307", "E402", "F401"}
    for finding in after:
        assert finding.line == by_rule[finding.rule].line + 3
        assert finding.fingerprint == by_rule[finding.rule].fingerprint
