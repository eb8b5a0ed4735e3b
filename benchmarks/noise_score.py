"""Is `error` only what a reviewer would block the merge for? On the noise corpus
(`benchmarks/noise/`) and on the vulnerability corpora (`benchmarks/corpus/`,
`benchmarks/corpus-holdout/`), print the error-level false positives and the real
vulnerabilities below `error`. Both should be 0.

    python benchmarks/noise_score.py [--verbose]

The noise corpus is one change holding a small repository, reviewed by every analyser agent
(`benchmarks/noise_corpus.py` says how its cases are scored). A vulnerability corpus is one
change too, reviewed by the security agents as `corpus_score.py` reviews it: an error-level
false positive is a safe twin with an error on it; a vulnerability below error is a
vulnerable file whose marked line has no error, in a category the policy makes an error
(`EXPECTED`), unless the policy grades that sample a warning (`WARNINGS`, with the reason).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import noise_corpus
from bench_change import build_change, review
from corpus_score import CORPORA, Sample, load

from review.findings import Finding, Severity

NOISE_AGENTS = ("security", "patterns", "style", "secrets", "workflows", "iac", "javascript")
CORPUS_AGENTS = ("security", "patterns", "secrets")
# The severity policy (README, "Severities") by category: weak hashes and ciphers are
# warnings (no rule can tell a checksum or a legacy format from a security use).
EXPECTED = {"weak-crypto": Severity.WARNING}
WARNINGS = {
    "python/path-traversal/vulnerable_5.py": "tarfile.extractall of an archive the rule cannot "
    "tell trusted or not (py-tar-extract-all, B202); Python 3.14 makes filter='data' the default",
}


def expected(sample: Sample) -> Severity:
    if sample.path in WARNINGS:
        return Severity.WARNING
    return EXPECTED.get(sample.category, Severity.ERROR)


def corpus_figures(samples: list[Sample], findings: list[Finding]) -> tuple[list[str], list[str]]:
    """Error-level false positives and vulnerabilities below their expected error."""
    errors = [f for f in findings if f.severity is Severity.ERROR]
    false, missed = [], []
    for sample in samples:
        on = [f for f in errors if f.path == sample.path]
        if not sample.vulnerable:
            false += [f"{sample.path}:{f.line} {f.rule}" for f in on]
        elif expected(sample) is Severity.ERROR and not any(
            f.line <= m <= f.last_line for f in on for m in sample.marked
        ):
            missed.append(f"{sample.path}:{min(sample.marked)}")
    return false, missed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="list every case")
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as tmp:
        cases, files = noise_corpus.load()
        request = build_change(Path(tmp) / "noise", files)
        report, seconds = review(request, Path(tmp) / "ws-noise", NOISE_AGENTS)
        failed = {n: s.error for n, s in report.agents.items() if s.status == "failed"}
        if failed:
            raise SystemExit(f"agents failed: {failed}")
        got = noise_corpus.score(cases, report.findings)
        print(
            f"\nnoise corpus: {got.cases} cases ({got.noise} noise, {got.cases - got.noise} real;"
            f" {got.real_errors} real ones expected at error), reviewed in {seconds:.1f} s"
        )
        print(f"  error-level false positives: {len(got.false_errors)}")
        print(f"  real problems below error:   {len(got.missed_errors)}")
        print(f"  graded otherwise than expected: {len(got.mismatches)}")
        for case, grade in got.mismatches:
            print(f"    {case.name}: {grade}, expected {case.expect} ({case.why})")
        if args.verbose:
            for case in cases:
                print(f"    {noise_corpus.graded(case, report.findings):>7}  {case.name}")
        for number, corpus in enumerate(CORPORA):
            samples, files = load(corpus)
            request = build_change(Path(tmp) / f"corpus{number}", files)
            report, seconds = review(request, Path(tmp) / f"ws{number}", CORPUS_AGENTS)
            false, missed = corpus_figures(samples, report.findings)
            vulnerable = [s for s in samples if s.vulnerable]
            at_error = sum(expected(s) is Severity.ERROR for s in vulnerable)
            print(
                f"\n{corpus.name}: {len(vulnerable)} vulnerable files ({at_error} expected at "
                f"error), {len(samples) - len(vulnerable)} safe, reviewed in {seconds:.1f} s"
            )
            print(f"  error-level false positives: {len(false)}", *false, sep="\n    ")
            print(f"  vulnerabilities below error: {len(missed)}", *missed, sep="\n    ")


if __name__ == "__main__":
    main()
