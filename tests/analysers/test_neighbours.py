"""Neighbouring files an analyser declares it reads: written, read as context, never reported."""

from __future__ import annotations

import json
from pathlib import Path

from agents.neighbours import context, folders, patterns_for
from review.workspace import Workspace

DATABASE = """\
resource "aws_db_instance" "db" {
  engine              = "postgres"
  instance_class      = "db.t3.micro"
  publicly_accessible = var.public
}
"""
VARIABLES = 'variable "public" {\n  type    = bool\n  default = %s\n}\n'
PUBLIC = "CKV_AWS_17"  # RDS instance publicly accessible


def review(run_cli, repo, workspace: Path) -> dict:
    done = run_cli(
        "review", str(repo.path), "--agents", "iac", "--format", "json", "--fail-on", "never",
        "-q", workspace=workspace,
    )  # fmt: skip
    assert done.code == 0, done.stderr
    return json.loads(done.stdout)


def rules(report: dict) -> set[tuple[str, str]]:
    return {(f["path"], f["rule"]) for f in report["findings"]}


def test_a_modules_variables_decide_what_checkov_finds_in_the_changed_file(
    make_repo, run_cli, tmp_path
) -> None:
    """main.tf alone hides the public database (var.public is unknown); read beside the
    module's unchanged variables.tf, checkov sees `default = true`."""
    workspace = tmp_path / "ws"
    base = {"infra/variables.tf": VARIABLES % "true", "docs/notes.md": "x\n"}
    repo = make_repo([base, {"infra/main.tf": DATABASE}])
    report = review(run_cli, repo, workspace)
    assert ("infra/main.tf", PUBLIC) in rules(report)
    assert all(f["path"] == "infra/main.tf" for f in report["findings"])  # context only
    (folder,) = [p for p in (workspace / "runs").iterdir() if not p.name.startswith(".")]
    run = Workspace(workspace).run(folder.name)
    assert (run.src / "infra/variables.tf").read_text() == VARIABLES % "true"
    assert not (run.src / "docs").exists()  # only the declared neighbours are written

    safe = make_repo(
        [{**base, "infra/variables.tf": VARIABLES % "false"}, {"infra/main.tf": DATABASE}]
    )
    again = review(run_cli, safe, workspace)  # the same main.tf blob, other variables
    assert ("infra/main.tf", PUBLIC) not in rules(again)


def test_a_neighbour_the_change_leaves_alone_does_not_make_a_finding_new(
    make_repo, run_cli, tmp_path
) -> None:
    """The base's main.tf was read with the base's variables too: an old problem stays old."""
    old = DATABASE.replace('"postgres"', '"mysql"')
    repo = make_repo(
        [{"infra/variables.tf": VARIABLES % "true", "infra/main.tf": old},
         {"infra/main.tf": DATABASE}]
    )  # fmt: skip
    report = review(run_cli, repo, tmp_path / "ws")
    assert ("infra/main.tf", PUBLIC) not in rules(report)
    notes = report["agents"]["iac"]["notes"]
    assert any("already there before the change" in n for n in notes), notes


SECURITY_GROUP = """\
resource "aws_security_group" "sg" {
  name = "sg"
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = var.cidrs
  }
}
"""
OPEN_CIDRS = 'variable "cidrs" {\n  type    = list(string)\n  default = ["0.0.0.0/0"]\n}\n'
OPEN_SSH = "CKV_AWS_24"  # ingress from 0.0.0.0/0 to port 22


def test_a_neighbour_the_change_deletes_is_read_at_the_base(make_repo, run_cli, tmp_path) -> None:
    """Moving the variable into main.tf and deleting variables.tf: the base's main.tf is
    read beside the base's variables.tf, so the open port, already there, stays old."""
    repo = make_repo(
        [{"infra/main.tf": SECURITY_GROUP, "infra/variables.tf": OPEN_CIDRS},
         {"infra/main.tf": SECURITY_GROUP + "\n" + OPEN_CIDRS, "infra/variables.tf": None}]
    )  # fmt: skip
    report = review(run_cli, repo, tmp_path / "ws")
    assert ("infra/main.tf", OPEN_SSH) not in rules(report)
    notes = report["agents"]["iac"]["notes"]
    assert any("already there before the change" in n for n in notes), notes


def test_a_review_with_more_agents_does_not_reuse_a_checkout_without_their_neighbours(
    make_repo, run_cli, tmp_path
) -> None:
    """The same base and head reviewed by one agent, then by iac: the run folder's first
    checkout lacks the module's variables.tf, so it is made again."""
    workspace = tmp_path / "ws"
    repo = make_repo(
        [{"infra/main.tf": SECURITY_GROUP.replace("22", "443"), "infra/variables.tf": OPEN_CIDRS},
         {"infra/main.tf": SECURITY_GROUP}]
    )  # fmt: skip
    first = run_cli("review", str(repo.path), "--agents", "security", "-q", workspace=workspace)
    assert first.code == 0, first.stderr
    report = review(run_cli, repo, workspace)
    assert ("infra/main.tf", OPEN_SSH) in rules(report)


def test_neighbour_globs_and_folders() -> None:
    declared = {"*.tf": ("*.tf", "*.tfvars")}
    assert patterns_for(declared, "a/MAIN.TF") == ("*.tf", "*.tfvars")
    assert patterns_for(declared, "a/main.yaml") == ()
    assert folders([declared], ["a/main.tf", "b/x.yaml", "top.tf"]) == {
        "a": ("*.tf", "*.tfvars"),
        "": ("*.tf", "*.tfvars"),
    }


def test_context_reads_regular_files_beside_the_path_only(tmp_path) -> None:
    root = tmp_path / "src"
    (root / "m").mkdir(parents=True)
    (root / "m/main.tf").write_text("main")
    (root / "m/vars.tf").write_text("vars")
    (root / "m/readme.md").write_text("doc")
    outside = tmp_path / "secret.tf"
    outside.write_text("secret")
    (root / "m/link.tf").symlink_to(outside)
    (root / "linked").symlink_to(root / "m")
    assert context(root, "m/main.tf", ("*.tf",), 1_000) == {"m/vars.tf": b"vars"}
    assert context(root, "linked/main.tf", ("*.tf",), 1_000) == {}  # a linked folder
