"""A change with one known problem per file kind, for the analysers' end-to-end tests.

`polyglot(variant)` gives the files of the change. Every file has a slot at its top
(`<<TOP>>`) and the planted lines a slot at their end (`<<END>>`): in the `plain` variant
they hold a harmless comment or nothing; in the `suppressed` variant the file-level and
line-level suppression comment of each tool that reads the file, so that a review of
either variant must report the same problems on the same lines. `PLANTED` lists what
each one must report: (path, agent, rule, first line, last line or None).
"""

from __future__ import annotations

PLAIN, SUPPRESSED = "plain", "suppressed"

# (path, agent, rule, line, end line)
PLANTED = [
    (".github/workflows/pr.yml", "workflows", "zizmor/template-injection", 9, None),
    ("scripts/clean.sh", "shell", "SC2086", 4, None),
    ("Dockerfile", "dockerfile", "DL3007", 2, None),
    ("infra/main.tf", "iac", "CKV_AWS_20", 4, None),  # the `acl` line of the bucket
    ("infra/main.tf", "iac", "CKV_AWS_24", 10, 13),  # from_port to cidr_blocks
    ("k8s/pod.yaml", "iac", "CKV_K8S_16", 12, None),  # `privileged: true`
    ("web/server.js", "patterns", "js-command-injection", 5, None),
    ("web/server.js", "patterns", "js-code-injection", 9, None),
    ("web/db.ts", "patterns", "js-sql-injection", 5, None),
    ("cmd/users.go", "patterns", "go-sql-injection", 11, None),
    ("src/main/java/Users.java", "patterns", "java-sql-injection", 9, None),
    ("config.yaml", "yaml", "key-duplicates", 5, None),
    ("py/modern.py", "patterns", "py-command-injection", 8, None),
    ("py/legacy.py", "security", "B602", 6, None),
    ("py/settings.py", "secrets", "AWS Access Key", 2, None),
]
# findings another agent reports too, merged into the planted one: (path, line) -> agents
ALSO_REPORTED = {
    ("web/server.js", 9): ("javascript",),  # oxlint's no-eval
    ("py/modern.py", 8): ("security",),  # ruff's S605, though bandit cannot parse the file
}

# path -> (plain, suppressed) for the <<TOP>> slot, then for the <<END>> slot
SLOTS = {
    ".github/workflows/pr.yml": (
        ("# greets a pull request", "# greets a pull request"),
        ("", "  # zizmor: ignore[template-injection]"),
    ),
    "scripts/clean.sh": (("# remove the build", "# shellcheck disable=SC2086"), ("", "")),
    "Dockerfile": (("# the app's image", "# hadolint global ignore=DL3007"), ("", "")),
    "infra/main.tf": (("# shared data", "#checkov:skip=CKV_AWS_20:public on purpose"), ("", "")),
    "k8s/pod.yaml": (("team: web", "checkov.io/skip1: CKV_K8S_16=needs the host"), ("", "")),
    "web/server.js": (("// handlers", "/* eslint-disable */"), ("", " // ast-grep-ignore")),
    "web/db.ts": (("// queries", "/* oxlint-disable */"), ("", " // ast-grep-ignore")),
    "cmd/users.go": (("// queries", "// queries"), ("", " // ast-grep-ignore")),
    "src/main/java/Users.java": (("// queries", "// queries"), ("", " // ast-grep-ignore")),
    "config.yaml": (("# server settings", "# yamllint disable-file"), ("", "")),
    "py/modern.py": (("# 3.12 syntax", "# ruff: noqa"), ("", "  # ast-grep-ignore")),
    "py/legacy.py": (("# 3.11 syntax", "# ruff: noqa"), ("", "  # nosec")),
    "py/settings.py": (("# settings", "# settings"), ("", "  # pragma: allowlist secret")),
}

FILES = {
    ".github/workflows/pr.yml": """\
<<TOP>>
name: pr
on: pull_request
permissions: {}
jobs:
  greet:
    runs-on: ubuntu-latest
    steps:
      - run: echo "Title ${{ github.event.pull_request.title }}"<<END>>
""",
    "scripts/clean.sh": """\
#!/bin/bash
<<TOP>>
set -eu
rm -rf $1/build
""",
    "Dockerfile": """\
<<TOP>>
FROM python:latest
COPY . /app
USER 1000
""",
    "infra/main.tf": """\
resource "aws_s3_bucket" "data" {
  <<TOP>>
  bucket = "my-data"
  acl    = "public-read"
}

resource "aws_security_group" "ssh" {
  name = "ssh"
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
""",
    "k8s/pod.yaml": """\
apiVersion: v1
kind: Pod
metadata:
  name: app
  annotations:
    <<TOP>>
spec:
  containers:
    - name: app
      image: nginx:1.27.0
      securityContext:
        privileged: true
""",
    "web/server.js": """\
<<TOP>>
const { exec } = require("child_process");

function list(req, res) {
  exec("ls " + req.query.dir, (err, out) => res.send(out));<<END>>
}

function calc(req, res) {
  res.send(String(eval(req.query.expr)));<<END>>
}

module.exports = { list, calc };
""",
    "web/db.ts": """\
<<TOP>>
import { Pool } from "pg";

export async function find(pool: Pool, name: string) {
  return pool.query(`SELECT * FROM users WHERE name = '${name}'`);<<END>>
}
""",
    "cmd/users.go": """\
package main

<<TOP>>
import (
	"database/sql"
	"fmt"
)

func find(db *sql.DB, name string) (*sql.Rows, error) {
	query := fmt.Sprintf("SELECT * FROM users WHERE name = '%s'", name)
	return db.Query(query)<<END>>
}
""",
    "src/main/java/Users.java": """\
<<TOP>>
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;

class Users {
    ResultSet find(Connection conn, String name) throws SQLException {
        String sql = "SELECT * FROM users WHERE name = '" + name + "'";
        return conn.createStatement().executeQuery(sql);<<END>>
    }
}
""",
    "config.yaml": """\
<<TOP>>
server:
  port: 8080
  host: localhost
  port: 9090
""",
    "py/modern.py": """\
<<TOP>>
import os

type Command = str


def run[T](name: T) -> None:
    os.system(f"echo {name}")<<END>>
""",
    "py/legacy.py": """\
<<TOP>>
import subprocess


def run(cmd):
    subprocess.call(cmd, shell=True)<<END>>
""",
    "py/settings.py": """\
<<TOP>>
AWS_KEY = "AKIAZ7Q3WVJ2K5LMNP4R"<<END>>
""",
}


def polyglot(variant: str) -> dict[str, str]:
    """The change's files, `PLAIN` or `SUPPRESSED`."""
    index = 1 if variant == SUPPRESSED else 0
    files = {}
    for path, text in FILES.items():
        top, end = SLOTS[path]
        files[path] = text.replace("<<TOP>>", top[index]).replace("<<END>>", end[index])
    return files
