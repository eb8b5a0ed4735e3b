"""Shapes of files and changes that once put findings on the wrong line, or lost them.

Each is reviewed through the command line as a user would, and checked on the line git
and GitHub show: a form feed line, a file that became a symbolic link next to a real
finding, and a change that marks its own files `-diff` in `.gitattributes`.
"""

from __future__ import annotations

import json

from review.findings import make_fingerprint

SHELL = "    return subprocess.call(cmd, shell=True)"
APP_BASE = "import subprocess\n\n\ndef run(cmd):\n    return subprocess.call(cmd)\n"
APP_HEAD = f"import subprocess\n\n\ndef run(cmd):\n{SHELL}\n"  # shell=True on line 5


def review_json(run_cli, repo) -> dict:
    done = run_cli("review", str(repo.path), "--format", "json", "-q")
    assert done.code in (0, 1), done.stderr
    return json.loads(done.stdout)


def at(report: dict, rule: str) -> list[tuple[str, int]]:
    return [(f["path"], f["line"]) for f in report["findings"] if f["rule"] == rule]


def test_a_form_feed_line_does_not_shift_the_lines_after_it(make_repo, run_cli) -> None:
    head = f"import subprocess\ndef run(cmd):\n\x0c\n    cmd = str(cmd)\n{SHELL}\n"
    repo = make_repo([{"app.py": "import subprocess\n"}, {"app.py": head}])
    report = review_json(run_cli, repo)
    (finding,) = [f for f in report["findings"] if f["rule"] == "B602"]
    assert finding["line"] == 5
    assert finding["snippet"] == SHELL  # the code shown is line 5's
    assert finding["fingerprint"] == make_fingerprint("command-injection", "app.py", SHELL, 0)
    text = run_cli("review", str(repo.path), "-q").stdout
    assert "  5: E [B602]" in text and f"    | {SHELL}" in text


def test_a_file_turned_into_a_link_does_not_sink_the_review(make_repo, run_cli) -> None:
    repo = make_repo(
        [
            {"config.py": "DEBUG = False\n", "app.py": APP_BASE},
            {"config.py": make_repo.link("settings.py"), "app.py": APP_HEAD},
        ]
    )
    done = run_cli("review", str(repo.path), "--format", "json", "-q")
    assert done.code == 1, done.stderr  # an error finding, not a failed review
    report = json.loads(done.stdout)
    assert at(report, "B602") == [("app.py", 5)]
    assert report["files_changed"] == 2
    assert "config.py: a symbolic link (never followed), not analysed" in report["notes"]


def test_a_change_cannot_hide_its_files_with_gitattributes(make_repo, run_cli) -> None:
    repo = make_repo(
        [
            {"app.py": APP_BASE},
            {".gitattributes": "*.py -diff\n*.py binary\n", "app.py": APP_HEAD},
        ]
    )
    report = review_json(run_cli, repo)
    assert at(report, "B602") == [("app.py", 5)]
    assert not any("binary" in note for note in report["notes"])
