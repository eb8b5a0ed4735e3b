"""YAML alias bombs ("billion laughs") never reach a tool that would expand them: checkov
leaves them out with a note, detect-secrets reads them as plain text (their secrets are
still found), the yaml agent reports them; and files that hang a tool cannot use up an
agent's time, whatever their number."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_agents_process import FRAGILE, fragile, work_on

import agents.process
from agents.declaration import FILES, PYTHON, Analyser
from agents.process import run_analyser
from agents.yaml_bombs import MAX_ALIAS_NODES, alias_bomb

CONFIG_MAP = ("apiVersion: v1", "kind: ConfigMap", "metadata:", "  name: x")
WORKFLOW = ("name: w", "on: push", "jobs:", "  j: {runs-on: x, steps: [run: a]}")


def laughs(levels: int, extra: str = "", head: tuple[str, ...] = CONFIG_MAP) -> str:
    """A document (a ConfigMap) whose anchors, from line 6 on, nest `levels` deep, nine
    aliases a level: 9^levels nodes; `extra` after them."""
    lines = [*head, "data:"]
    lines.append('  a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]')
    lines += [f"  a{n}: &a{n} [{','.join([f'*a{n - 1}'] * 9)}]" for n in range(1, levels)]
    return "\n".join(lines) + "\n" + extra


BUCKET = 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n  acl    = "public-read"\n}\n'
KEY = 'KEY = "AKIAZ7QWERTYUIOP4321"\n'  # an access key's shape, not a documented example


def test_a_bomb_is_found_without_expanding_it() -> None:
    bomb = alias_bomb(laughs(10).encode())  # 3.5 billion nodes: instant, or never
    assert bomb is not None and bomb.added > 9**9
    assert bomb.line == 11  # a5: the first anchor that alone expands past the bound
    assert alias_bomb(b"loop: &a [*a]\n") is not None  # an alias inside itself: endless


@pytest.mark.parametrize(
    "text",
    [
        laughs(5),  # 66,000 nodes: a big file, not a bomb
        "defaults: &d {image: x, env: {A: 1}}\n" + "".join(f"s{n}: *d\n" for n in range(50)),
        "base: &b\n  a: 1\njob:\n  <<: *b\n  run: 'a * b & c'\n",
        "a: *undefined\n",  # not YAML: the tools say so themselves
        "x = a * b && c & d\n",
        "".join(f"- item {n}\n" for n in range(MAX_ALIAS_NODES + 10)),  # many nodes, no alias
    ],
)
def test_real_files_are_not_bombs(text: str) -> None:
    assert alias_bomb(text.encode()) is None


def review(run_cli, repo, *agents: str) -> dict:
    done = run_cli(
        "review", str(repo.path), "--agents", ",".join(agents), "--format", "json",
        "--fail-on", "never", "-q",
    )  # fmt: skip
    assert done.code == 0, done.stderr
    return json.loads(done.stdout)


def test_one_bomb_is_noted_and_its_secret_still_found(make_repo, run_cli) -> None:
    bomb = laughs(10, "  key: AKIAZ7QWERTYUIOP4321\n")
    workflow = laughs(10, "  key: AKIAZ7QWERTYUIOP4321\n", WORKFLOW)
    repo = make_repo(
        [{"README.md": "x\n"}, {"k8s/bomb.yaml": bomb, ".github/workflows/w.yml": workflow}]
    )
    report = review(run_cli, repo, "iac", "secrets", "yaml", "workflows")
    found = {
        (f["agent"], f["rule"], f["path"], f["line"])
        for f in report["findings"]
        if f["agent"] != "workflows"  # actionlint's, which does not expand aliases
    }
    assert found == {
        ("secrets", "AWS Access Key", "k8s/bomb.yaml", 16),
        ("secrets", "AWS Access Key", ".github/workflows/w.yml", 16),
        ("yaml", "alias-bomb", "k8s/bomb.yaml", 11),
        ("yaml", "alias-bomb", ".github/workflows/w.yml", 11),
    }
    bomb_note = ": not analysed: its YAML aliases expand to more than 100,000 nodes (an alias bomb)"
    assert f"k8s/bomb.yaml{bomb_note}" in report["agents"]["iac"]["notes"]
    assert f".github/workflows/w.yml{bomb_note}" in report["agents"]["workflows"]["notes"]
    as_text = [n for n in report["agents"]["secrets"]["notes"] if ": read as plain text: " in n]
    assert len(as_text) == 2
    assert {report["agents"][a]["status"] for a in ("iac", "secrets", "yaml", "workflows")} == {
        "ok"
    }


def test_bombs_among_real_findings_cost_nothing_else(make_repo, run_cli) -> None:
    bombs = {f"b{n}.yaml": laughs(10) for n in range(4)}
    buckets = {f"ok{n}.tf": BUCKET for n in range(3)}
    repo = make_repo([{"README.md": "x\n"}, {**bombs, **buckets, "k.py": KEY}])
    report = review(run_cli, repo, "iac", "secrets")
    found = {(f["agent"], f["rule"], f["path"]) for f in report["findings"]}
    assert found == {("iac", "CKV_AWS_20", p) for p in buckets} | {
        ("secrets", "AWS Access Key", "k.py")
    }
    assert report["agents"]["iac"]["status"] == report["agents"]["secrets"]["status"] == "ok"
    left_out = [n for n in report["agents"]["iac"]["notes"] if "(an alias bomb)" in n]
    assert sorted(n.split(":")[0] for n in left_out) == sorted(bombs)


def test_files_that_hang_a_tool_cost_their_own_time_only(tmp_path: Path, monkeypatch) -> None:
    # bisection gave each attempt half the time left: three files that hang used it all up
    # and the agent failed, its other findings lost
    monkeypatch.setattr(agents.process, "MIN_ATTEMPT_SECONDS", 0.5)
    files = {f"f{n}.py": "ok\n" for n in range(8)} | {p: "hang\n" for p in ("f1.py", "f5.py")}
    work = work_on(tmp_path, files | {"f6.py": "hang\n"}, agent_timeout_seconds=10)
    tool = Analyser(command=(PYTHON, "-c", FRAGILE, FILES), parse=fragile, name="fragile")
    analysis = run_analyser("probe", tool, work)
    assert sorted(f.path for f in analysis.findings) == [
        "f0.py",
        "f2.py",
        "f3.py",
        "f4.py",
        "f7.py",
    ]
    hung = sorted(n.split(":")[0] for n in analysis.notes if "fragile failed on it" in n)
    assert hung == ["f1.py", "f5.py", "f6.py"]


def test_agents_asking_about_one_file_at_once_compose_it_once(monkeypatch) -> None:
    """The secrets and iac agents check the same YAML files at the same moment: the second
    waits for the first one's answer instead of composing megabytes again."""
    import threading
    import time

    from agents import yaml_bombs

    composed: list[bytes] = []
    real = yaml_bombs._count

    def slow_count(data: bytes):
        composed.append(data)
        time.sleep(0.2)
        return real(data)

    monkeypatch.setattr(yaml_bombs, "_count", slow_count)
    data = b"a: &a [1, 2]\nb: [*a, *a]\n# " + str(time.time()).encode() + b"\n"
    answers: list[object] = []
    threads = [threading.Thread(target=lambda: answers.append(alias_bomb(data))) for _ in "ab"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    assert answers == [None, None]  # a real file, not a bomb
    assert composed == [data]
    assert not yaml_bombs._COMPOSING
