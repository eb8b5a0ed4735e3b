"""The inline comments each review of one pull request posts, push after push, before and
after reviews converged (issue 15).

Runs the pull request of `tests/github/converge_support.py` on the fake GitHub of the
tests, reviewed by the `security` agent (bandit and ruff's `S` rules; `--stand-in` uses
the tests' quick agent that finds the same problems):

1. the first push: a pre-existing `eval` on an edited line (a rename), and `autoescape`
   deleted from two jinja2 environments (new findings on unchanged lines: one shown by
   GitHub as context of the hunk, one outside every hunk);
2. the second push fixes one environment, adds an `eval` in a new file and moves the other
   environment down; then a maintainer resolves the new eval's review thread;
3. the third push is a formatter run over that file (a docstring on top, spacing changed:
   the same code, every comment on it outdated);
4. a force-push of the same content (a squash).

Prints, per review, the inline comments it posted and its check run's annotations, for
the code before (`--before`: a commit of this repository, exported with `git archive`,
or the path of another checkout; by default the `main` this change was built on) and for
this checkout, then both counts side by side. The scenario and the fake GitHub are this
checkout's `tests/` in both runs; only the reviewbot code under test differs.

    python benchmarks/converge_bench.py [--before REF|PATH] [--stand-in]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
# the main this change was last merged with: the code before reviews converged
BEFORE = "68b099fab373b53f54c7eff72671ea57c571b667"
RESULT = "converge-result: "


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", default=BEFORE, help="a commit or a checkout's path")
    parser.add_argument("--stand-in", action="store_true", help="the tests' quick agent")
    parser.add_argument("--only", action="store_true", help="this process's code only")
    args = parser.parse_args()
    if args.only:
        print(RESULT + json.dumps(scenario(HERE / "tests", args.stand_in)))
        return
    with tempfile.TemporaryDirectory() as scratch:
        before = _checkout(args.before, Path(scratch))
        counts = {label: _run(label, code, args.stand_in) for label, code in
                  (("before", before), ("after", HERE))}  # fmt: skip
    print(f"\n{'review':<40} {'before':>6} {'after':>6}")
    for (label, old), (_, new) in zip(counts["before"], counts["after"], strict=True):
        print(f"{label:<40} {old:>6} {new:>6}")
    total = [sum(n for _, n in counts[side]) for side in ("before", "after")]
    print(f"{'inline comments in all':<40} {total[0]:>6} {total[1]:>6}")


def _checkout(ref: str, scratch: Path) -> Path:
    """The code of `ref`: a checkout's path as it is, or a commit exported to `scratch`."""
    if Path(ref).is_dir():
        return Path(ref).resolve()
    target = scratch / "before"
    target.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(HERE), "archive", "--format=tar", ref],
        capture_output=True,
        check=False,
    )
    if archive.returncode:
        sys.exit(
            f"cannot export {ref} ({archive.stderr.decode().strip()}): fetch the full "
            "history (git fetch --unshallow) or pass --before with another checkout's path"
        )
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    return target


def _run(label: str, code: Path, stand_in: bool) -> list[tuple[str, int]]:
    """Run the scenario in a child process with `code` first on its path; its output is
    printed, and (review, inline comments) returned."""
    print(f"== {label}: {code}", flush=True)
    env = {**os.environ, "PYTHONPATH": str(code), "PYTHONSAFEPATH": "1"}
    command = [sys.executable, str(Path(__file__).resolve()), "--only"]
    done = subprocess.run(
        command + (["--stand-in"] if stand_in else []),
        env=env,
        cwd=code,
        capture_output=True,
        text=True,
        check=False,
    )
    lines = done.stdout.splitlines()
    print("\n".join(line for line in lines if not line.startswith(RESULT)))
    if done.returncode:
        sys.exit(f"the {label} run failed:\n{done.stderr[-3000:]}")
    (result,) = [json.loads(line[len(RESULT) :]) for line in lines if line.startswith(RESULT)]
    return [(name, count) for name, count in result]


def scenario(tests: Path, stand_in: bool) -> list[tuple[str, int]]:
    """Review the pull request four times; (review, inline comments posted) per review."""
    sys.path[:0] = [str(tests / "github"), str(tests)]
    root_conftest = _load("bench_root_conftest", tests / "conftest.py")

    import converge_support as pull_request
    import github_support as support
    from fake_github import FakeGitHub, Pull

    import orchestrator.workflow as workflow
    from reporter.github.client import GitHubApp
    from reporter.github.retry import RetryPolicy
    from reporter.github.settings import GitHubSettings

    print(f"code under test: {Path(workflow.__file__).resolve().parents[1]}")
    if stand_in:
        workflow.run_local_agent = pull_request.compare_agent
    posted: list[tuple[str, int]] = []
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        os.environ["REVIEWBOT_WORKSPACE"] = str(work / "workspace")
        repo = root_conftest.build_repo(work / "demo", [pull_request.BASE, pull_request.PUSHES[0]])
        repo.git("update-ref", "refs/pull/1/head", repo.head)
        private, public = support.rsa_pair()
        fake = FakeGitHub(public, str(repo.path))
        fake.pulls[1] = Pull(
            1, repo.head, repo.base, support.files_of(repo.path, repo.base, repo.head)
        )
        fake.permissions["maintainer"] = "maintain"
        with support.served(fake.app) as url:
            fake.base_url = url
            settings = GitHubSettings(app_id=fake.app_id, private_key=private, api_url=fake.api_url)
            app = GitHubApp(settings, policy=RetryPolicy(budget_seconds=60, sleep=lambda _: None))

            def review(label: str) -> None:
                before = len(fake.review_comments)
                _review(workflow, app, fake, work / "workspace")
                new = fake.review_comments[before:]
                where = ", ".join(
                    f"{c['path']}:{c.get('start_line') or c['line']} {c['body'].split('**')[1]}"
                    for c in new
                )
                notes = fake.check_runs[max(fake.check_runs)]["annotations"]
                print(
                    f"{label:<40} {len(new)} inline comment(s){': ' + where if where else ''}; "
                    f"annotations: {', '.join(_annotation(a) for a in notes) or 'none'}"
                )
                posted.append((label, len(new)))

            def push(files: dict) -> None:
                head = repo.commit(files)
                fake.pulls[1].head = head
                fake.pulls[1].files = support.files_of(repo.path, fake.pulls[1].base, head)
                support.follow_comments(fake, repo.path, head)

            review("review 1 (push 1)")
            push(pull_request.PUSHES[1])
            review("review 2 (push 2: a fix, a new eval)")
            (new_eval,) = [c for c in fake.review_comments if c["path"] == "extra.py"]
            fake.resolve_thread(new_eval["id"], by="maintainer")
            push({"extra.py": pull_request.reformat((repo.path / "extra.py").read_text())})
            review("review 3 (push 3: a formatter run)")
            pull_request.force_push_same_content(repo, fake.pulls[1])
            review("review 4 (force-push, same content)")
            resolved = sum(1 for t in fake.threads.values() if t["resolved"] and t["by"] is None)
            print(
                f"{'total':<40} {len(fake.review_comments)} inline comment(s); "
                f"{resolved} review thread(s) resolved by the App"
            )
    return posted


def _review(workflow, app, fake, workspace: Path) -> None:
    """One review of the pull request's head, as a `synchronize` delivery starts it."""
    from orchestrator.local import open_runner
    from orchestrator.sources.pull_request import PullRequestSource
    from review.trigger import ReviewTrigger

    workspace.mkdir(exist_ok=True)
    source = PullRequestSource(app)
    trigger = ReviewTrigger(
        delivery_id=uuid.uuid4().hex, event="pull_request",
        repository=f"{fake.owner}/{fake.name}", clone_url=fake.clone_url,
        installation_id=fake.installation_id, pull_number=1,
        head_sha=fake.pulls[1].head, base_ref="main", head_ref="feature",
        agents=("security",), reason="synchronize",
    )  # fmt: skip
    handler = workflow.make_handler(workspace, {source.name: source})
    with open_runner(workspace, handler) as runner:
        ran = runner.run(
            input=json.dumps(trigger.workflow_event()),
            execution_name=uuid.uuid4().hex,
            execution_timeout=300,
        )
    assert ran.error is None, ran.error


def _annotation(annotation: dict) -> str:
    return f"{annotation['path']}:{annotation['start_line']} {annotation['title'].split()[0]}"


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


if __name__ == "__main__":
    main()
