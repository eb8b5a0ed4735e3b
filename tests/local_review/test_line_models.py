"""Analysers that count lines differently from git, and files no analyser may skip.

bandit, ruff, oxlint and detect-secrets end a line at a lone CR (Python's tokenizer,
universal newlines), and YAML parsers (yamllint, actionlint, checkov's YAML and JSON,
detect-secrets' YAML files) at U+0085, U+2028 and U+2029 too; git does not. A tool that
reads several kinds of file numbers each its own way (checkov: HCL and Bicep with
universal newlines). Their findings are mapped onto git's lines, never dropped.
"""

from __future__ import annotations

import json

import pytest


def review(run_cli, repo, *args: str) -> dict:
    done = run_cli("review", str(repo.path), "--format", "json", "-q", *args)
    assert done.code in (0, 1), done.stderr
    return json.loads(done.stdout)


def found(report: dict) -> set[tuple[str, str, int]]:
    return {(f["path"], f["rule"], f["line"]) for f in report["findings"]}


def test_a_lone_cr_does_not_lose_a_finding(make_repo, run_cli) -> None:
    head = b"import subprocess\rsubprocess.call(cmd, shell=True)\n"  # one line to git
    repo = make_repo([{"README.md": "x\n"}, {"app.py": head}])
    report = review(run_cli, repo)
    assert ("app.py", "B602", 1) in found(report)  # bandit said line 2
    assert ("app.py", "F821", 1) in found(report)  # ruff too
    assert report["filtered_out"] == 0


def test_findings_after_a_comment_with_a_lone_cr_stay_on_their_lines(make_repo, run_cli) -> None:
    head = b"# see below\rnote = 1\nimport subprocess\n\nsubprocess.call(cmd, shell=True)\n"
    repo = make_repo([{"README.md": "x\n"}, {"app.py": head}])
    report = review(run_cli, repo)
    (shell,) = [f for f in report["findings"] if f["rule"] == "B602"]
    assert shell["line"] == 4 and shell["snippet"] == "subprocess.call(cmd, shell=True)"


def test_a_secret_after_a_lone_cr_is_on_gits_line(make_repo, run_cli) -> None:
    head = b'x = 1\rAWS_KEY = "AKIAIOSFODNN7EXAMPLE"\nY = 2\n'
    repo = make_repo([{"README.md": "x\n"}, {"conf.py": head}])
    assert ("conf.py", "AWS Access Key", 1) in found(review(run_cli, repo, "--agents", "secrets"))


def test_a_fix_offered_covers_exactly_the_lines_it_edits(make_repo, run_cli) -> None:
    repo = make_repo([{"README.md": "x\n"}, {"mod.py": "import os, \\\n    sys\n\nx = 1\n"}])
    report = review(run_cli, repo, "--agents", "style")
    unused = {f["line"]: f for f in report["findings"] if f["rule"] == "F401"}
    assert set(unused) == {1, 2}
    for finding in unused.values():  # removing either name removes the whole statement
        assert finding["suggestion"] == "" and finding["suggestion_lines"] == [1, 2]


def test_no_changed_python_file_is_silently_left_out(make_repo, run_cli) -> None:
    evil = "value = eval(input())\n"
    repo = make_repo(
        [
            {"README.md": "x\n"},
            {
                ".tox/helper.py": evil,  # paths bandit's defaults exclude
                "build.egg/mod.py": evil,
                "__pycache__/cached.py": evil,
                "bin/tool": "#!/usr/bin/env python3\n" + evil,  # Python by its #! line
            },
        ]
    )
    report = review(run_cli, repo, "--agents", "security")
    assert {p for p, rule, _ in found(report) if rule == "B307"} == {
        ".tox/helper.py",
        "build.egg/mod.py",
        "__pycache__/cached.py",
        "bin/tool",
    }
    assert not any("did not analyse" in n for n in report["agents"]["security"]["notes"])


def test_yaml_line_breaks_and_odd_paths_lose_no_yamllint_finding(make_repo, run_cli) -> None:
    # PyYAML (so yamllint) also ends a line at U+0085, U+2028 and U+2029; git does not
    files = {
        "nel.yaml": 'x: "\u0085"\na: 1\na: 2\n'.encode(),
        "ls.yaml": 'x: "\u2028\u2029"\nb: 1\nb: 2\ny: 3\n'.encode(),
        "odd\u2028name.yaml": b"k: 1\nk: 2\n",  # yamllint prints this path as it is
    }
    repo = make_repo([{"README.md": "x\n"}, files])
    report = review(run_cli, repo, "--agents", "yaml")
    assert {(f["path"], f["line"]) for f in report["findings"]} == {
        ("nel.yaml", 3),
        ("ls.yaml", 3),
        ("odd\u2028name.yaml", 2),
    }
    assert report["rejected"] == []


def test_a_line_separator_in_a_match_costs_no_pattern_finding(make_repo, run_cli) -> None:
    # ast-grep's JSON lines carry the matched source, U+2028 unescaped
    head = 'import os\n\n\ndef run(cmd):\n    os.system("echo " + cmd + "\u2028")\n'
    repo = make_repo([{"README.md": "x\n"}, {"app.py": head.encode()}])
    report = review(run_cli, repo, "--agents", "patterns")
    assert ("app.py", "py-command-injection", 5) in found(report)
    notes = report["agents"]["patterns"]["notes"]
    assert not [n for n in notes if "not analysed" in n], notes


def ran(report: dict, agent: str) -> None:
    """Skip when the agent's tool is not installed (it is skipped, saying so)."""
    state = report["agents"][agent]
    if state["status"] == "skipped" and any("is not installed" in n for n in state["notes"]):
        pytest.skip(f"{agent}: {state['notes'][0]}")
    assert state["status"] == "ok", state


# Two Kubernetes documents; the first one's name holds U+2028, a line break to PyYAML
# (so to checkov), not to git: its privileged container is on git's line 12, the second
# document's on 25.
POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: "a\u2028b\u2028c"
  annotations:
    team: web
spec:
  containers:
    - name: app
      image: nginx:1.27.0
      securityContext:
        privileged: true
---
apiVersion: v1
kind: Pod
metadata:
  name: second
  annotations:
    team: web
spec:
  containers:
    - name: app
      image: nginx:1.27.0
      securityContext:
        privileged: true
"""
BUCKET = 'resource "aws_s3_bucket" "data" {\n  bucket = "my-data"\n  acl    = "public-read"\n}\n'
STORAGE = (
    "resource st 'Microsoft.Storage/storageAccounts@2021-04-01' = {\n  name: 'st'\n"
    "  location: 'westus'\n  properties: {\n    supportsHttpsTrafficOnly: false\n  }\n}\n"
)


def test_checkov_numbers_yaml_and_terraform_each_its_own_way(make_repo, run_cli) -> None:
    files = {
        "k8s/pod.yaml": POD.encode(),
        # HCL read with universal newlines: a lone CR ends checkov's line, not git's
        "infra/cr.tf": BUCKET.replace("\n  bucket", "\n  # x\r  bucket").encode(),
        "infra/plain.tf": BUCKET.encode(),  # the models agree: unchanged
        # Bicep: a lone CR ends its line too; its code block is numbered by str.splitlines
        # (U+2028 too), unlike its resource's range: the finding falls back on the range
        "infra/cr.bicep": f"param a string = 'x'\rparam b string = 'y'\n{STORAGE}".encode(),
        "infra/ls.bicep": f"// x\u2028y\n{STORAGE}".encode(),
    }
    repo = make_repo([{"README.md": "x\n"}, files])
    report = review(run_cli, repo, "--agents", "iac")
    ran(report, "iac")
    assert {(p, r, n) for p, r, n in found(report) if r in ("CKV_K8S_16", "CKV_AWS_20")} == {
        ("k8s/pod.yaml", "CKV_K8S_16", 12),
        ("k8s/pod.yaml", "CKV_K8S_16", 25),
        ("infra/cr.tf", "CKV_AWS_20", 3),
        ("infra/plain.tf", "CKV_AWS_20", 3),
    }
    yaml_and_hcl = ("k8s/pod.yaml", "infra/cr.tf", "infra/plain.tf")
    snippets = {f["snippet"].strip() for f in report["findings"] if f["path"] in yaml_and_hcl}
    assert snippets == {"privileged: true", 'acl    = "public-read"'}
    https = {
        (f["path"], f["line"], f["end_line"])
        for f in report["findings"]
        if f["rule"] == "CKV_AZURE_3"
    }
    assert https == {("infra/cr.bicep", 6, None), ("infra/ls.bicep", 2, 8)}
    assert report["rejected"] == [] and report["filtered_out"] == 0


def test_detect_secrets_numbers_yaml_files_as_yaml(make_repo, run_cli) -> None:
    # its YAML transformer counts U+2028 as a line break; plain files it reads by lines
    text = 'x: "a\u2028b"\ny: 1\nkey: AKIAIOSFODNN7EXAMPLF\nz: 2\n'.encode()
    repo = make_repo([{"README.md": "x\n"}, {"conf.yaml": text, "conf.txt": text}])
    report = review(run_cli, repo, "--agents", "secrets")
    assert {(p, n) for p, r, n in found(report) if r == "AWS Access Key"} == {
        ("conf.yaml", 3),
        ("conf.txt", 3),
    }


def test_oxlint_and_actionlint_lines_are_gits(make_repo, run_cli) -> None:
    workflow = (
        'name: "a\u2028b"\non: pull_request\npermissions: {}\njobs:\n  greet:\n'
        "    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ nothere.x }}\n"
    )
    files = {
        "web/x.js": b"// a\rb\nconst x = 1;\neval(x);\n",  # a lone CR ends oxlint's line
        ".github/workflows/ci.yml": workflow.encode(),  # go-yaml: U+2028 ends a line
    }
    repo = make_repo([{"README.md": "x\n"}, files])
    report = review(run_cli, repo, "--agents", "javascript,workflows")
    ran(report, "javascript")
    ran(report, "workflows")
    assert ("web/x.js", "eslint(no-eval)", 3) in found(report)  # oxlint said 4
    assert (".github/workflows/ci.yml", "actionlint/expression", 8) in found(report)  # 9
    assert report["rejected"] == []
