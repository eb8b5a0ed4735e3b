"""Score reviewbot's analyser-only review on our labelled corpus: recall, false-positive
rate and TPR − FPR per category, per language and overall, on the running Python.

    python benchmarks/corpus_score.py [--corpus DIR ...] [--agents security,patterns,secrets]
                                      [--verbose]

The corpus (`benchmarks/corpus/`, the tuning set the rule pack was written against, and
`benchmarks/corpus-holdout/`, written after the pack was frozen) holds, per language and
category, `vulnerable_<n>.<ext>` files marking their vulnerable line(s) with a trailing
`# VULN` / `// VULN`, and `safe_<n>.<ext>` twins: the fixed code a naive rule still flags
(constant arguments, placeholders, escaping, allow-lists, SafeLoader, sha256...).

Each corpus is one change adding every file, reviewed through the workflow exactly as a
pull request (`orchestrator.local.run_review`), by the security agents: `security` (bandit
and ruff's S rules), `patterns` (ast-grep and our rule pack) and `secrets`. A vulnerable
file is found when a finding covers a marked line ("right category" when that finding's
category is the directory's); a safe file is a false positive when a finding lands on
it. Findings of severity warning or error count (`--min-severity`); notes are hygiene by
reviewbot's severity policy (`import subprocess`, a partial executable path), and the
overall figure counting them too is printed under each table. The lint agents (`style`,
`javascript`) make no security claim and are not counted.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from bench_change import build_change, review

from review.findings import Finding, Severity
from review.lines import split_lines

HERE = Path(__file__).resolve().parent
CORPORA = (HERE / "corpus", HERE / "corpus-holdout")
MARK = re.compile(r"(#|//)\s*VULN\b")


@dataclass
class Sample:
    """One corpus file: its path in the change, language, category and marked lines."""

    path: str
    language: str
    category: str
    vulnerable: bool
    marked: set[int] = field(default_factory=set)


@dataclass
class Tally:
    """Counts for one row: vulnerable files, found, found with the right category, safe
    files, safe files with a finding."""

    vulnerable: int = 0
    found: int = 0
    right: int = 0
    safe: int = 0
    flagged: int = 0

    def add(self, other: Tally) -> None:
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def cells(self) -> list[str]:
        tpr = self.found / self.vulnerable if self.vulnerable else 0.0
        fpr = self.flagged / self.safe if self.safe else 0.0
        return [
            _rate(self.found, self.vulnerable),
            _rate(self.right, self.vulnerable),
            _rate(self.flagged, self.safe),
            f"{tpr - fpr:+.2f}",
        ]


def _rate(part: int, whole: int) -> str:
    return f"{part}/{whole} ({100 * part / whole:.0f}%)" if whole else "-"


def load(corpus: Path) -> tuple[list[Sample], dict[str, bytes]]:
    """The samples of `corpus` and the change's files ({path: content})."""
    samples, files = [], {}
    for file in sorted(corpus.glob("*/*/*_*.*")):
        kind = file.name.split("_", 1)[0]
        if kind not in ("vulnerable", "safe"):
            continue
        path = file.relative_to(corpus).as_posix()
        language, category = file.parts[-3], file.parts[-2]
        lines = split_lines(file.read_bytes())  # numbered as git and reviewbot number them
        marked = {n for n, line in enumerate(lines, 1) if MARK.search(line)}
        if (kind == "vulnerable") != bool(marked):
            raise SystemExit(f"{path}: a vulnerable sample marks its line, a safe one none")
        samples.append(Sample(path, language, category, kind == "vulnerable", marked))
        files[path] = file.read_bytes()
    return samples, files


def score(samples: list[Sample], findings: list[Finding]) -> tuple[dict, list[str]]:
    """Tallies by (language, category), and what was missed or wrongly flagged."""
    on: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        on[finding.path].append(finding)
    table: dict[tuple[str, str], Tally] = defaultdict(Tally)
    details = []
    for sample in samples:
        row = table[(sample.language, sample.category)]
        found = on.get(sample.path, [])
        if not sample.vulnerable:
            row.safe += 1
            if found:
                row.flagged += 1
                details.append(f"FP   {sample.path}: {_list(found)}")
            continue
        row.vulnerable += 1
        hits = [f for f in found if any(f.line <= m <= f.last_line for m in sample.marked)]
        row.found += bool(hits)
        row.right += any(f.category == sample.category for f in hits)
        if not hits:
            details.append(f"MISS {sample.path}:{sorted(sample.marked)} {_list(found)}")
    return table, details


def _list(findings: list[Finding]) -> str:
    return ", ".join(f"{f.rule}@{f.line}" for f in findings) or "no finding"


def total(table: dict[tuple[str, str], Tally]) -> Tally:
    overall = Tally()
    for tally in table.values():
        overall.add(tally)
    return overall


def print_table(title: str, table: dict[tuple[str, str], Tally]) -> None:
    print(f"\n### {title}\n")
    print("| language | category | recall | right category | FPR | TPR−FPR |")
    print("|---|---|---|---|---|---|")
    rows: list[tuple[str, str, Tally]] = []
    languages = sorted({language for language, _ in table})
    for language in languages:
        of_language = Tally()
        for (lang, category), tally in sorted(table.items()):
            if lang == language:
                rows.append((language, category, tally))
                of_language.add(tally)
        rows.append((language, "**all**", of_language))
    by_category: dict[str, Tally] = defaultdict(Tally)
    for (_, category), tally in table.items():
        by_category[category].add(tally)
    rows += [("**all**", category, tally) for category, tally in sorted(by_category.items())]
    rows.append(("**overall**", "", total(table)))
    for language, category, tally in rows:
        print("| " + " | ".join([language, category, *tally.cells()]) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, nargs="+", default=list(CORPORA))
    parser.add_argument("--agents", default="security,patterns,secrets")
    parser.add_argument("--min-severity", choices=("note", "warning", "error"), default="warning")
    parser.add_argument("--verbose", action="store_true", help="list misses and FPs")
    args = parser.parse_args()
    agents = tuple(a.strip() for a in args.agents.split(",") if a.strip())
    print(f"Python {sys.version.split()[0]}; agents: {', '.join(agents)}")
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as tmp:
        for number, corpus in enumerate(args.corpus):
            samples, files = load(corpus.resolve())
            request = build_change(Path(tmp) / f"repo{number}", files)
            report, seconds = review(request, Path(tmp) / f"ws{number}", agents)
            failed = {n: s.error for n, s in report.agents.items() if s.status == "failed"}
            if failed:
                raise SystemExit(f"agents failed: {failed}")
            floor = Severity(args.min_severity).rank
            counted = [f for f in report.findings if f.severity.rank >= floor]
            table, details = score(samples, counted)
            vulnerable = sum(s.vulnerable for s in samples)
            print_table(
                f"{corpus.name}: {vulnerable} vulnerable and {len(samples) - vulnerable} safe "
                f"files, reviewed in {seconds:.1f} s; findings of severity "
                f"{args.min_severity} and above",
                table,
            )
            every = total(score(samples, report.findings)[0]).cells()
            print(
                f"\nCounting every finding, notes too: recall {every[0]}, FPR {every[2]}, "
                f"TPR−FPR {every[3]}"
            )
            if args.verbose:
                print("\n" + "\n".join(details))


if __name__ == "__main__":
    main()
