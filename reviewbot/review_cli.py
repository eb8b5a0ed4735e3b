"""`reviewbot review`: review a local git change and print the review."""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from review.diff import FilterMode
from review.findings import Severity
from review.request import ReviewRequest
from review.settings import Settings
from reviewbot.config_cli import review_options, warn_if_invalid
from reviewbot.errors import USAGE_ERROR, UsageError
from reviewbot.workspace_cli import collect_garbage

if TYPE_CHECKING:
    from orchestrator.local_repo import LocalRepository


def add_command(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """The `review` command and its options."""
    from agents.registry import declarations, default_agents
    from reporter.formats import formats

    parser = commands.add_parser(
        "review", help="review a local git change and print the review", parents=[common]
    )
    parser.add_argument("path", nargs="?", default=".", help="a git repository (default: .)")
    parser.add_argument("--base", help="base ref (default: merge base with the default branch)")
    parser.add_argument("--head", default="HEAD", help="head ref (default: HEAD)")
    parser.add_argument(
        "--format",
        choices=list(formats()),
        default="text",
        help="; ".join(f"{f.name}: {f.description}" for f in formats().values()),
    )
    parser.add_argument("--output", type=Path, help="write the review to this file")
    parser.add_argument(
        "--agents",
        help="comma-separated agents to run, of: "
        + "; ".join(f"{a.name} ({a.description})" for a in declarations())
        + f" (default: {','.join(default_agents(False))}; "
        f"with a model: {','.join(default_agents(True))})",
    )
    parser.add_argument(
        "--model",
        action="append",
        metavar="[AGENT=]SPEC",
        help="model of the AI reviewers: none, bedrock:<model id>, anthropic:<model> or "
        "openai:<model>; AGENT=SPEC sets one agent's model; repeatable "
        "(default: $REVIEWBOT_MODEL, else none)",
    )
    parser.add_argument(
        "--filter",
        choices=[m.value for m in FilterMode],
        help="which findings are kept (default: the repository's configuration, else "
        "introduced: what the change introduces, anywhere in a changed file when the agent "
        "compared it with the base, else on added lines; or reviewdog's added, "
        "diff_context, file, nofilter)",
    )
    parser.add_argument(
        "--pre-existing",
        action="store_true",
        help="with the introduced filter, also report findings already at the base on the "
        "lines the change adds or modifies (default: the repository's configuration, else "
        "they are only counted)",
    )
    parser.add_argument(
        "--fail-on",
        choices=[*(s.value for s in Severity), "never"],
        help="the severity that fails the review, exit status 1 (default: the repository's "
        "configuration, else error)",
    )
    parser.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="use this configuration file instead of the base commit's .github/reviewbot.yml",
    )
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="no progress on stderr (there is none when stderr is not a terminal)",
    )
    parser.set_defaults(command=review, needs_git=True)


def review(args: argparse.Namespace, settings: Settings) -> int:
    """Review `args.path`'s change from its base to its head, print or write the review;
    the exit status: 0, 1 (findings at or above the gate) or USAGE_ERROR."""
    from orchestrator.local import WorkflowFailed, run_review
    from reporter.formats import formats
    from review.git import GitError
    from reviewbot.review_notes import live_progress, note_uncommitted, nothing_ran

    model, agent_models = models(args.model, settings)
    agents = _agents(args.agents)
    output = writable(args.output)
    try:
        options = review_options(args, settings)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    repo, base, head, why = _commits(args)
    config = settings.review_config(
        agents=agents,
        filter_mode=FilterMode(args.filter or FilterMode.INTRODUCED.value),
        report_pre_existing=args.pre_existing,
        fail_on=None if args.fail_on == "never" else Severity(args.fail_on or "error"),
        model=model,
        agent_models=agent_models,
    )
    request = ReviewRequest(
        repository=str(repo.path), source=str(repo.path), head=head, base=base, config=config
    )
    if args.head == "HEAD":
        note_uncommitted(repo, base, head)
    progress = None if args.quiet else live_progress(why, base, head)
    collect_garbage(settings)
    try:
        report = run_review(request, settings.workspace_root(), progress=progress, options=options)
    except (WorkflowFailed, GitError) as exc:
        print(f"reviewbot: {exc}; rerun with --verbose for details", file=sys.stderr)
        return USAGE_ERROR
    finally:
        if progress is not None:
            progress.close()
    warn_if_invalid(report)
    if not _deliver(formats()[args.format].render(report), output):
        return USAGE_ERROR
    if nothing_ran(report):
        return USAGE_ERROR
    return 1 if report.fails(report.config.fail_on) else 0


def _agents(value: str | None) -> tuple[str, ...]:
    """The agents `--agents` names (none named: the repository's configuration, or the
    defaults); UsageError for an unknown one or an empty list."""
    from agents.registry import names

    if value is None:
        return ()
    agents = tuple(dict.fromkeys(a.strip() for a in value.split(",") if a.strip()))
    unknown = [a for a in agents if a not in names()]
    if unknown:
        raise UsageError(f"unknown agent {', '.join(unknown)}; choose from {', '.join(names())}")
    if not agents:
        raise UsageError(f"--agents names no agent; choose from {', '.join(names())}")
    return agents


def _commits(args: argparse.Namespace) -> tuple[LocalRepository, str, str, str]:
    """(the repository, the base commit, the head commit, why that base) of `args`;
    UsageError when the path is no repository or a ref is unknown."""
    from orchestrator.git import repository_root
    from orchestrator.local_repo import LocalRepository
    from review.git import GitError

    path = Path(args.path)
    if not path.is_dir():
        raise UsageError(f"{path} is not a directory: pass the path of a git repository")
    try:
        repo = LocalRepository(repository_root(path))
        head = repo.resolve(args.head)
        if args.base:
            base, why = repo.resolve(args.base), args.base
        else:
            base, why = repo.default_base(head)
    except GitError as exc:
        hint = " (check the path and the --base/--head refs)" if "unknown" in str(exc) else ""
        raise UsageError(f"{exc}{hint}") from None
    return repo, base, head, why


def _deliver(rendered: str, output: Path | None) -> bool:
    """Write the review to `output`, else stdout; False when `output` could not be written
    (the review then goes to stdout: nothing is lost)."""
    if output is None:
        sys.stdout.write(rendered)
        return True
    try:
        output.write_text(rendered, encoding="utf-8")
    except OSError as exc:
        sys.stdout.write(rendered)
        print(f"reviewbot: cannot write {output}: {exc}; the review is on stdout", file=sys.stderr)
        return False
    return True


def writable(output: Path | None) -> Path | None:
    """`--output`, checked before the review runs: UsageError when it cannot be written."""
    if output is None:
        return None
    if output.is_dir():
        raise UsageError(f"--output {output} is a directory: name a file")
    folder = output.parent if str(output.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError(f"--output {output}: folder {folder} does not exist; create it first")
    target = output if output.exists() else folder
    if not os.access(target, os.W_OK):
        raise UsageError(f"--output {output}: no permission to write {target}")
    return output


def models(values: list[str] | None, settings: Settings) -> tuple[str, dict[str, str]]:
    """The review's model and per-agent models from --model options (or REVIEWBOT_MODEL)."""
    from agents.llm.config import ModelConfigError, parse_spec

    model, named = settings.model, "REVIEWBOT_MODEL"
    per_agent: dict[str, str] = {}
    for value in values or ():
        agent, sep, spec = value.partition("=")
        if sep and re.fullmatch(r"[a-z0-9_-]{1,40}", agent.strip()):
            per_agent[agent.strip()] = spec.strip() or "none"
        else:
            model, named = value.strip() or "none", "--model"
    for where, spec in ((named, model), *(("--model", s) for s in per_agent.values())):
        try:
            parse_spec(spec)
        except ModelConfigError as exc:
            raise UsageError(f"{where}: {exc}") from None
    return model, per_agent
