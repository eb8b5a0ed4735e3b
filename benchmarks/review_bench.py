"""Time `reviewbot review` against running the same analysers directly on the changed files.

Builds a throwaway repository whose head commit changes N Python files (a few with known
vulnerabilities), then prints: the analysers run one after another by hand, the whole
review through the durable workflow, their ratio, and the agent phase's wall time beside
the sum of the agents' own times (the agents run concurrently, so wall < sum).

    python benchmarks/review_bench.py [--files 200]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_change import build_change, wide_files

from orchestrator.local import run_review
from review.report import Report
from review.workspace import RunDir, Workspace


def direct(repo: Path) -> float:
    """The three analysers, one after another, on the same files: the floor to compare with."""
    paths = [str(p.relative_to(repo)) for p in sorted((repo / "pkg").glob("*.py"))]
    started = time.perf_counter()
    for command in (
        [sys.executable, "-m", "bandit", "-q", "-f", "json", *paths],
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            "--isolated",
            "--no-cache",
            "--exit-zero",
            "--output-format",
            "json",
            *paths,
        ],
        [sys.executable, "-m", "detect_secrets", "scan", "--no-verify", *paths],
    ):
        subprocess.run(command, cwd=repo, capture_output=True, check=False)
    return time.perf_counter() - started


def agent_phase_wall(run: RunDir, report: Report) -> float:
    """From the first agent's start to the last one's end, read off the findings files."""
    ends = {name: run.findings_file(name).stat().st_mtime for name in report.agents}
    starts = [ends[name] - status.seconds for name, status in report.agents.items()]
    return max(ends.values()) - min(starts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as tmp:
        root = Path(tmp)
        repo = root / "repo"
        request = build_change(repo, wide_files(args.files))
        direct_seconds = direct(repo)
        started = time.perf_counter()
        report = run_review(request, root / "workspace")
        review_seconds = time.perf_counter() - started
        agent_sum = sum(s.seconds for s in report.agents.values())
        phase = agent_phase_wall(Workspace(root / "workspace").run(request.run_id), report)
    print(f"changed files:                      {args.files}")
    print(f"findings reported:                  {len(report.findings)}")
    print(f"analysers run directly (serial):    {direct_seconds:7.2f} s")
    print(f"reviewbot review (whole workflow):  {review_seconds:7.2f} s")
    print(f"ratio review / direct:              {review_seconds / direct_seconds:7.2f}")
    print(f"agent phase: sum of agent times     {agent_sum:7.2f} s")
    print(f"agent phase: wall time              {phase:7.2f} s")
    print(f"agent phase: sum / wall             {agent_sum / phase:7.2f}x (above 1: concurrent)")


if __name__ == "__main__":
    main()
