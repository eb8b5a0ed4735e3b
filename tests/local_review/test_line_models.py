"""Analysers that count lines differently from git, and files no analyser may skip.

bandit, ruff and detect-secrets end a line at a lone CR (Python's tokenizer, universal
newlines); git does not. Their findings are mapped onto git's lines, never dropped.
"""

from __future__ import annotations

import json


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
