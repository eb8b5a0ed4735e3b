"""The analysers against changes built to break or hijack them: a file that crashes a
tool, a module named like one the tool imports, an IaC resource that was already bad."""

from __future__ import annotations

import json


def review(run_cli, repo, *agents: str) -> dict:
    done = run_cli(
        "review", str(repo.path), "--agents", ",".join(agents), "--format", "json",
        "--fail-on", "never", "-q",
    )  # fmt: skip
    assert done.code == 0, done.stderr
    return json.loads(done.stdout)


def test_a_file_that_crashes_ruff_costs_that_file_only(make_repo, run_cli) -> None:
    deep = "x = " + "+".join(["1"] * 60_000) + "\n"  # 120 KB: ruff overflows its stack
    shell = "import subprocess\n\n\ndef run(cmd):\n    subprocess.call(cmd, shell=True)\n"
    repo = make_repo(
        [{"README.md": "x\n"}, {"deep.py": deep, "ok.py": "import os\n", "run.py": shell}]
    )
    report = review(run_cli, repo, "style", "security")
    found = {(f["agent"], f["rule"], f["path"], f["line"]) for f in report["findings"]}
    assert ("style", "F401", "ok.py", 1) in found  # ruff's style rules on the others
    assert ("security", "B602", "run.py", 5) in found  # bandit's and ruff's S602, as one
    for agent in ("style", "security"):
        assert report["agents"][agent]["status"] == "ok"
        notes = report["agents"][agent]["notes"]
        assert any(n.startswith("deep.py: not analysed, ruff failed on it") for n in notes), notes


def test_a_module_named_like_a_tools_import_is_never_run(make_repo, run_cli, tmp_path) -> None:
    marker = tmp_path / "ran"
    hijack = f"import pathlib\npathlib.Path({str(marker)!r}).touch()\n"
    repo = make_repo([{"README.md": "x\n"}, {name: hijack for name in ("json.py", "re.py")}])
    review(run_cli, repo, "secrets", "security", "style", "yaml", "patterns")
    assert not marker.exists()


def test_an_iac_check_that_already_failed_is_not_reported_again(make_repo, run_cli) -> None:
    bucket = 'resource "aws_s3_bucket" "data" {\n  bucket = "%s"\n  acl    = "public-read"\n}\n'
    open_sg = (
        'resource "aws_security_group" "ssh" {\n  ingress {\n    from_port   = 22\n'
        '    to_port     = 22\n    protocol    = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n'
        "  }\n}\n"
    )
    repo = make_repo(
        [{"main.tf": bucket % "old-name"}, {"main.tf": bucket % "new-name" + "\n" + open_sg}]
    )
    report = review(run_cli, repo, "iac")
    assert [(f["rule"], f["line"]) for f in report["findings"]] == [("CKV_AWS_24", 8)]
    notes = report["agents"]["iac"]["notes"]
    assert any("already there before the change" in n for n in notes), notes


def test_a_missing_tool_skips_its_agent_with_how_to_install_it(make_repo, run_cli, monkeypatch):
    import agents.process

    real = agents.process.program

    def without_checkov(analyser):
        if analyser.tool == "checkov":
            raise agents.process.ToolMissing(f"checkov is not installed: {analyser.install}")
        return real(analyser)

    monkeypatch.setattr(agents.process, "program", without_checkov)
    repo = make_repo([{"README.md": "x\n"}, {"main.tf": 'variable "x" {}\n'}])
    report = review(run_cli, repo, "iac")
    assert report["agents"]["iac"]["status"] == "skipped"
    assert any("pipx install checkov" in n for n in report["agents"]["iac"]["notes"])
