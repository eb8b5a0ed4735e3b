"""Time every analyser through reviewbot against running the tool directly, and the whole
review of a mixed change against its slowest analyser.

    python benchmarks/analysers_bench.py [--files 300] [--agents shell,iac]

Per analyser agent, a change adding `--files` files of its kind (each with a problem the
agent reports) is reviewed by that agent alone; then, on the same run folder:
- "direct": each analyser's declared command line, run once over all the files in the
  checkout from an empty directory (no copies, no namespace): the floor;
- "reviewbot": the same analyser through `agents.process.run_analyser`, as a review runs
  it, with the findings cache off (the review above filled it): private copies,
  suppressions neutralised, a network namespace, the parser, the mapping of lines (and,
  for checkov, nothing more: the files are new, there is no base).
Then one change adding `--files` files of every kind in turn is reviewed by all the
analyser agents, and its wall time is set beside the slowest analyser run directly on its
own files of that change: the agents run in parallel, so the review should take about as
long as that slowest tool plus the workflow's own steps.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench_change import build_change, review

from agents import registry
from agents.analysis import AgentInput
from agents.base import reviewable_files
from agents.command import command_line
from agents.declaration import Analyser
from agents.process import run_analyser
from review.request import ReviewConfig, ReviewRequest
from review.workspace import Workspace

# agent -> a file of its kind: (path, content) for the n-th file
KINDS: dict[str, Callable[[int], tuple[str, str]]] = {
    "security": lambda n: (
        f"pkg/mod_{n}.py",
        f"import subprocess\n\n\ndef run_{n}(cmd):\n    subprocess.call(cmd, shell=True)\n"
        f"    return eval(cmd)\n",
    ),
    "patterns": lambda n: [
        (
            f"src/q_{n}.go",
            f"package q\n\nfunc Q{n}(db *sql.DB, n string) {{\n"
            f'\tdb.Query(fmt.Sprintf("SELECT * FROM t WHERE n = %s", n))\n}}\n',
        ),
        (
            f"src/q_{n}.js",
            f'function q{n}(db, req) {{\n  return db.query("SELECT * FROM t WHERE n = " '
            f"+ req.query.n);\n}}\n",
        ),
        (
            f"src/Q{n}.java",
            f"class Q{n} {{\n  void q(java.sql.Statement s, String n) throws Exception {{\n"
            f'    s.executeQuery("SELECT * FROM t WHERE n = \'" + n + "\'");\n  }}\n}}\n',
        ),
        (f"src/q_{n}.py", f'import os\n\n\ndef q{n}(name):\n    os.system(f"echo {{name}}")\n'),
    ][n % 4],
    "style": lambda n: (f"lib/m_{n}.py", f"import os\nimport sys\n\nVALUE_{n} = sys.argv\n"),
    "secrets": lambda n: (f"conf/key_{n}.py", f'KEY_{n} = "AKIAIOSFODNN7EXAMP{n % 10}E"\n'),
    "workflows": lambda n: (
        f".github/workflows/wf_{n}.yml",
        "on: pull_request\npermissions: {}\njobs:\n  greet:\n    runs-on: ubuntu-latest\n"
        '    steps:\n      - run: echo "${{ github.event.pull_request.title }}"\n',
    ),
    "shell": lambda n: (f"scripts/s_{n}.sh", f"#!/bin/bash\nset -eu\nrm -rf $1/build_{n}\n"),
    "dockerfile": lambda n: (f"images/{n}/Dockerfile", "FROM python:latest\nCOPY . /app\n"),
    "iac": lambda n: (
        f"infra/m_{n}.tf",
        f'resource "aws_s3_bucket" "b{n}" {{\n  bucket = "b-{n}"\n  acl    = "public-read"\n}}\n',
    ),
    "javascript": lambda n: (
        f"web/m_{n}.js",
        f"export function f{n}(x) {{\n  debugger;\n  return x == NaN;\n}}\n",
    ),
    "yaml": lambda n: (f"conf/c_{n}.yaml", f"name: c{n}\nport: 1\nport: 2\n"),
}


def change_of(agents: list[str], files: int) -> dict[str, str]:
    """`files` files, of the agents' kinds in turn."""
    return dict(KINDS[agents[n % len(agents)]](n) for n in range(files))


def direct(analyser: Analyser, paths: list[Path]) -> float:
    """The analyser's command line once over `paths`, from an empty directory; SystemExit
    when it fails (a floor that did no work would flatter nothing)."""
    with tempfile.TemporaryDirectory() as scratch:
        # the interpreter's directory first, as reviewbot's PATH: actionlint finds ShellCheck
        path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '/usr/bin')}"
        env = {"PATH": path, "HOME": scratch, "LANG": "C.UTF-8"}
        argv = command_line(analyser, [str(p) for p in paths])
        started = time.perf_counter()
        done = subprocess.run(
            argv, cwd=scratch, env={**env, **analyser.env}, capture_output=True, check=False
        )
        seconds = time.perf_counter() - started
    if done.returncode not in analyser.ok_codes or not done.stdout:
        raise SystemExit(f"{analyser.tool} failed ({done.returncode}): {done.stderr[-500:]!r}")
    return seconds


def work_of(root: Path, request: ReviewRequest, agent: str) -> AgentInput:
    """What the agent was given in the review of `request` (its run folder under `root`)."""
    run = Workspace(root).run(request.run_id)
    change = run.read_change()
    config = ReviewConfig(agents=(agent,), cache=False)  # the review filled the cache
    files, _ = reviewable_files(run, change.diff, registry.get_agent(agent), config)
    return AgentInput(run, change.diff, files, config, change.head)


def per_analyser(tmp: Path, agents: list[str], files: int) -> None:
    print(f"\n### Each analyser on a change of {files} files of its kind\n")
    print(
        "| agent | analyser | files | direct | reviewbot | ratio | agent in the review | findings |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for agent in agents:
        request = build_change(tmp / f"repo-{agent}", change_of([agent], files))
        report, _ = review(request, tmp / f"ws-{agent}", (agent,))
        status = report.agents[agent]
        work = work_of(tmp / f"ws-{agent}", request, agent)
        paths = [work.run.src / f.path for f in work.files]
        for analyser in registry.get_agent(agent).analysers:
            floor = direct(analyser, paths)
            started = time.perf_counter()
            found = run_analyser(agent, analyser, work)
            ours = time.perf_counter() - started
            print(
                f"| {agent} | {analyser.tool} | {len(paths)} | {floor:.2f} s | {ours:.2f} s | "
                f"{ours / floor:.2f} | {status.seconds:.2f} s ({status.status}) | "
                f"{len(found.findings)} |"
            )


def mixed(tmp: Path, agents: list[str], files: int) -> None:
    request = build_change(tmp / "repo-mixed", change_of(agents, files))
    report, wall = review(request, tmp / "ws-mixed", tuple(agents))
    slowest = ("", 0.0)
    for agent in agents:
        work = work_of(tmp / "ws-mixed", request, agent)
        paths = [work.run.src / f.path for f in work.files]
        for analyser in registry.get_agent(agent).analysers:
            seconds = direct(analyser, paths)
            slowest = max(slowest, (f"{agent}/{analyser.tool}", seconds), key=lambda s: s[1])
    agents_wall = max(s.seconds for s in report.agents.values())
    print(f"\n### The whole review of a mixed change of {files} files ({len(agents)} kinds)\n")
    print(f"review wall (whole workflow):            {wall:7.2f} s")
    print(f"slowest agent in it:                     {agents_wall:7.2f} s")
    print(f"slowest analyser run directly:           {slowest[1]:7.2f} s ({slowest[0]})")
    print(f"ratio review / slowest analyser:         {wall / slowest[1]:7.2f}")
    print(f"findings reported:                       {len(report.findings)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--agents", default=",".join(KINDS), help="comma-separated")
    args = parser.parse_args()
    agents = [a.strip() for a in args.agents.split(",") if a.strip()]
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as tmp:
        per_analyser(Path(tmp), agents, args.files)
        mixed(Path(tmp), agents, args.files)


if __name__ == "__main__":
    main()
