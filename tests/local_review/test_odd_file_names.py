"""Changed files whose names a tool could print ambiguously keep their findings.

hadolint, oxlint and zizmor print paths in SARIF URIs (where a newline, tab or CR is
dropped and `#`, `?` and `%` mean something else), yamllint in lines of text; every tool
is given such a file under a safe generated name, and its findings come back on the
file's real path, never on another file's (each odd name has a twin here named as the
mangled path would read, holding nothing to report).
"""

from __future__ import annotations

import json

import pytest

DOCKERFILE = "FROM python:latest\nUSER 1000\n"
JS = "const x = 1;\neval(x);\n"
WORKFLOW = (
    "name: pr\non: pull_request\npermissions: {}\njobs:\n  greet:\n    runs-on: ubuntu-latest\n"
    '    steps:\n      - run: echo "Title ${{ github.event.pull_request.title }}"\n'
)
SHELL = "#!/bin/bash\nrm -rf $1/build\n"
PYTHON = "import subprocess\nsubprocess.call(cmd, shell=True)\n"
POD = (
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n  containers:\n"
    "    - name: app\n      image: nginx:1.27.0\n      securityContext:\n"
    "        privileged: true\n"
)

# path -> (content, agent, rule, line)
PLANTED = {
    "a\nb.Dockerfile": (DOCKERFILE, "dockerfile", "DL3007", 1),
    "dir\tx/Dockerfile": (DOCKERFILE, "dockerfile", "DL3007", 1),
    "x\ny.js": (JS, "javascript", "eslint(no-eval)", 2),
    "h#q?.js": (JS, "javascript", "eslint(no-eval)", 2),
    "100%41.js": (JS, "javascript", "eslint(no-eval)", 2),
    ".github/workflows/ci\n.yml": (WORKFLOW, "workflows", "zizmor/template-injection", 8),
    "-lead\r.sh": (SHELL, "shell", "SC2086", 2),
    "t\tab.sh": (SHELL, "shell", "SC2086", 2),
    "caf\u00e9 menu.py": (PYTHON, "security", "B602", 2),
    "k8s/p\nod.yaml": (POD, "iac", "CKV_K8S_16", 10),
    "conf\n.yaml": ("a: 1\na: 2\n", "yaml", "key-duplicates", 2),
    "keys\n.txt": ('key = "AKIAIOSFODNN7EXAMPLF"\n', "secrets", "AWS Access Key", 1),
}
# what the odd names would read as, mangled: nothing to report in them
TWINS = {
    "ab.Dockerfile": "FROM python:3.12\nUSER 1000\n",
    "xy.js": "export const y = 1;\n",
    "h": "plain text\n",
    ".github/workflows/ci.yml": WORKFLOW.replace(
        "Title ${{ github.event.pull_request.title }}", "hi"
    ),
    "k8s/pod.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n",
    "conf.yaml": "a: 1\n",
    "keys.txt": "nothing here\n",
}


@pytest.fixture(scope="module")
def report(repo_factory, run_cli) -> dict:
    files = {path: content for path, (content, *_) in PLANTED.items()} | TWINS
    repo = repo_factory([{"README.md": "x\n"}, files], name="odd-names")
    agents = ",".join(sorted({agent for _, agent, _, _ in PLANTED.values()}))
    done = run_cli(
        "review", str(repo.path), "--format", "json", "-q", "--fail-on", "never",
        "--agents", agents,
    )  # fmt: skip
    assert done.code == 0, done.stderr
    return json.loads(done.stdout)


def located(report: dict) -> set[tuple[str, str, str, int]]:
    """(path, agent, rule, line) of each finding, and (path, agent, "", line) for each
    agent that reported it too (merged into it)."""
    out = set()
    for f in report["findings"]:
        out.add((f["path"], f["agent"], f["rule"], f["line"]))
        out |= {(f["path"], agent, "", f["line"]) for agent in f["also_reported_by"]}
    return out


@pytest.mark.parametrize("path", list(PLANTED))
def test_a_finding_in_an_oddly_named_file_stays_on_it(report, path: str) -> None:
    _, agent, rule, line = PLANTED[path]
    state = report["agents"][agent]
    if state["status"] == "skipped" and any("is not installed" in n for n in state["notes"]):
        pytest.skip(f"{agent}: {state['notes'][0]}")
    assert state["status"] == "ok", state
    found = located(report)
    assert (path, agent, rule, line) in found or (path, agent, "", line) in found, sorted(
        (p, a, r, n) for p, a, r, n in found if p == path
    )
    assert not [n for n in state["notes"] if "not analysed" in n], state["notes"]


def test_nothing_is_put_on_another_file_or_rejected(report) -> None:
    stray = [
        (f["path"], f["rule"], f["message"]) for f in report["findings"] if f["path"] not in PLANTED
    ]
    assert stray == []  # the twins: nothing
    assert report["rejected"] == []
    assert report["filtered_out"] == 0
