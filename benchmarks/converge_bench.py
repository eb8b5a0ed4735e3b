"""The inline comments each review of one pull request posts, push after push (issue 15).

Runs the pull request of `tests/github/converge_support.py` on the fake GitHub of the
tests, with the stand-in agent that compares each finding with the base:

1. the first push: a pre-existing `eval` on an edited line, a new `shell=True` finding on
   an unchanged line GitHub shows, a new jinja2 autoescape finding outside every hunk;
2. the second push fixes the shell finding, adds an `eval` in a new file and moves the
   template environment down; then a maintainer resolves the new eval's review thread;
3. the third push is a formatter run over that file (a docstring on top, spacing changed:
   the same code, every comment on it outdated);
4. a force-push of the same content (a squash).

Prints, per review, the inline comments it posted and its check run's annotations. To
compare with another checkout of reviewbot, run this file with that checkout first on
PYTHONPATH (its code under test, this checkout's `tests/` helpers):
`PYTHONPATH=/other/checkout .venv/bin/python benchmarks/converge_bench.py`.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
import uuid
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    here = Path(__file__).resolve().parents[1]
    parser.add_argument("--tests", type=Path, default=here / "tests", help="the tests/ folder")
    args = parser.parse_args()
    tests = args.tests.resolve()
    sys.path[:0] = [str(tests / "github"), str(tests)]
    root_conftest = _load("bench_root_conftest", tests / "conftest.py")

    import converge_support as scenario
    import github_support as support
    from fake_github import FakeGitHub, Pull

    import orchestrator.workflow as workflow
    from orchestrator.local import open_runner
    from orchestrator.sources.pull_request import PullRequestSource
    from reporter.github.client import GitHubApp
    from reporter.github.retry import RetryPolicy
    from reporter.github.settings import GitHubSettings
    from review.trigger import ReviewTrigger

    print(f"code under test: {Path(workflow.__file__).resolve().parents[1]}")
    workflow.run_local_agent = scenario.compare_agent
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        repo = root_conftest.build_repo(work / "demo", [scenario.BASE, scenario.PUSHES[0]])
        repo.git("update-ref", "refs/pull/1/head", repo.head)
        private, public = support.rsa_pair()
        fake = FakeGitHub(public, str(repo.path))
        fake.pulls[1] = Pull(
            1, repo.head, repo.base, support.files_of(repo.path, repo.base, repo.head)
        )
        fake.permissions["maintainer"] = "maintain"
        workspace = work / "workspace"
        workspace.mkdir()
        with support.served(fake.app) as url:
            fake.base_url = url
            settings = GitHubSettings(app_id=fake.app_id, private_key=private, api_url=fake.api_url)
            app = GitHubApp(settings, policy=RetryPolicy(budget_seconds=60, sleep=lambda _: None))
            source = PullRequestSource(app)

            def review(label: str) -> None:
                before = len(fake.review_comments)
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
                new = fake.review_comments[before:]
                where = ", ".join(
                    f"{c['path']}:{c['line']} {c['body'].split('**')[1]}" for c in new
                )
                notes = fake.check_runs[max(fake.check_runs)]["annotations"]
                print(
                    f"{label:<40} {len(new)} inline comment(s){': ' + where if where else ''}; "
                    f"annotations: {', '.join(_annotation(a) for a in notes) or 'none'}"
                )

            def push(files: dict) -> None:
                head = repo.commit(files)
                fake.pulls[1].head = head
                fake.pulls[1].files = support.files_of(repo.path, fake.pulls[1].base, head)
                support.follow_comments(fake, repo.path, head)

            review("review 1 (push 1)")
            push(scenario.PUSHES[1])
            review("review 2 (push 2: a fix, a new eval)")
            (new_eval,) = [c for c in fake.review_comments if c["path"] == "extra.py"]
            fake.threads[new_eval["id"]] = {"resolved": True, "by": "maintainer"}
            extra = (repo.path / "extra.py").read_text()
            push({"extra.py": scenario.reformat(extra)})
            review("review 3 (push 3: a formatter run)")
            scenario.force_push_same_content(repo, fake.pulls[1])
            review("review 4 (force-push, same content)")
            resolved = sum(1 for t in fake.threads.values() if t["resolved"] and t["by"] is None)
            print(
                f"{'total':<40} {len(fake.review_comments)} inline comment(s); "
                f"{resolved} review thread(s) resolved by the App"
            )


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
