"""The noise corpus (`benchmarks/noise/`): the false-positive shapes issue 13 names and
their real twins, each with the severity reviewbot's policy gives it (README,
"Severities").

`noise/repo/` is a small repository's files, at the paths that decide their grading
(`tests/`, `docs/`, `examples/`, lock files); `noise/expected.toml` lists the cases, each
a line of one file:

    [[case]]
    path = ".pre-commit-config.yaml"
    at = "rev: 8b5112a3"        # a text found on exactly one line of the file: the case's line
    expect = "none"             # none (never reported), note, warning or error
    kind = "noise"              # noise: a false-positive shape; real: a real problem
    why = "a pinned hook revision is a commit id, not a secret"

Credentials of a known format are not written in the repository (push protection, and
our own reviews, would stop them): the files say `{{github_token}}`, and `load` puts in
a fake of that format (`FAKES`). The figures: the noise cases graded `error` (error-level
false positives), the real cases expected at `error` graded below it, and every case whose
severity is not the expected one.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from review.findings import Finding

HERE = Path(__file__).resolve().parent / "noise"
SEVERITIES = ("none", "note", "warning", "error")
# Fakes of known credential formats, assembled here so that no file holds one literally.
FAKES = {
    "github_token": "ghp_" + "R8vQ2mXk7LpT4nWz9YcB3dFh6JsA1eGuK5oV",
    "stripe_key": "sk_" + "live_" + "4eC39HqLyjWDarjtT1zdp7dc",
    "aws_key": "AKIA" + "Z7Q3WVJ2K5LMNP4R",
    "aws_secret": "k9Vb2T" + "q8Lz4Xw1Nf7Rj3Hc6Ys0Pm5Ud2Ea9Go8Bi4Kt",
    "private_key": "-----BEGIN " + "PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n"
    "-----END " + "PRIVATE KEY-----",
}


@dataclass(frozen=True)
class Case:
    """One expectation: the gravest finding on line `line` of `path` is `expect`."""

    path: str
    at: str
    expect: str
    kind: str
    why: str
    line: int = 0

    @property
    def name(self) -> str:
        return f"{self.path}:{self.line}"


def load(root: Path = HERE) -> tuple[list[Case], dict[str, bytes]]:
    """The cases, each with its line, and the change's files ({path: content}, fakes in)."""
    files: dict[str, bytes] = {}
    for file in sorted((root / "repo").rglob("*")):
        if file.is_file():
            text = file.read_text(encoding="utf-8")
            for name, fake in FAKES.items():
                text = text.replace(f"{{{{{name}}}}}", fake)
            files[file.relative_to(root / "repo").as_posix()] = text.encode()
    cases = []
    for raw in tomllib.loads((root / "expected.toml").read_text())["case"]:
        case = Case(**raw)
        if case.expect not in SEVERITIES or case.kind not in ("noise", "real"):
            raise SystemExit(f"{case.path}: expect one of {SEVERITIES}, kind noise or real")
        lines = files[case.path].decode().split("\n")
        found = [n for n, text in enumerate(lines, 1) if case.at in text]
        if len(found) != 1:
            raise SystemExit(f"{case.path}: {case.at!r} is on {len(found)} lines, not one")
        cases.append(Case(**{**raw, "line": found[0]}))
    return cases, files


def graded(case: Case, findings: list[Finding]) -> str:
    """The gravest severity of the findings covering the case's line, or "none"."""
    on = [f for f in findings if f.path == case.path and f.line <= case.line <= f.last_line]
    return max((f.severity.value for f in on), key=SEVERITIES.index, default="none")


@dataclass
class Score:
    """The corpus's figures: error-level false positives, real problems below error, and
    every case graded otherwise than expected (case, what it got)."""

    cases: int
    noise: int
    real_errors: int
    false_errors: list[tuple[Case, str]]
    missed_errors: list[tuple[Case, str]]
    mismatches: list[tuple[Case, str]]


def score(cases: list[Case], findings: list[Finding]) -> Score:
    got = [(case, graded(case, findings)) for case in cases]
    return Score(
        cases=len(cases),
        noise=sum(c.kind == "noise" for c in cases),
        real_errors=sum(c.kind == "real" and c.expect == "error" for c in cases),
        false_errors=[(c, g) for c, g in got if c.kind == "noise" and g == "error"],
        missed_errors=[
            (c, g) for c, g in got if c.kind == "real" and c.expect == "error" and g != "error"
        ],
        mismatches=[(c, g) for c, g in got if g != c.expect],
    )
