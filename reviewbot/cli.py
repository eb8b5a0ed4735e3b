"""`reviewbot`: review a local change, check a repository's configuration, serve the GitHub
webhook, replay a delivery, and bound the workspace."""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import shutil
import sys
import traceback
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

from review.diff import FilterMode
from review.findings import Severity
from review.request import ReviewRequest
from review.settings import ConfigError, Settings, load_settings
from reviewbot.config_cli import add_commands as add_config_commands
from reviewbot.config_cli import review_options, warn_if_invalid

if TYPE_CHECKING:
    from fastapi import FastAPI

    from review.request import ReviewConfig
    from review.workspace import RunDir

USAGE_ERROR = 2
_REPLAY_SECRET = "replay checks no signature"  # noqa: S105 - a placeholder, never a real secret


class UsageError(Exception):
    """Bad input from the user: printed as one line, exit status 2."""


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    _configure_logging(args.verbose)
    try:
        # only the App's own commands read ./.env: `review` and the rest often run inside
        # a repository under review, whose .env must not choose models or the workspace
        settings = load_settings(env_file=".env" if args.reads_env_file else None)
    except ConfigError as exc:
        print(f"reviewbot: {exc}", file=sys.stderr)
        return USAGE_ERROR
    try:
        if args.needs_git and shutil.which("git") is None:
            raise UsageError(
                "git is not installed or not on PATH: install git (e.g. apt-get install git) "
                "and try again"
            )
        return args.command(args, settings)
    except UsageError as exc:
        print(f"reviewbot: {exc}", file=sys.stderr)
        return USAGE_ERROR
    except KeyboardInterrupt:
        print("reviewbot: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug or an unforeseen failure: one line, the details with -v
        if args.verbose:
            traceback.print_exc(file=sys.stderr)
        what = " ".join(str(exc).split())[:300] or "no message"
        hint = "" if args.verbose else "; rerun with --verbose for the traceback"
        print(f"reviewbot: unexpected error: {type(exc).__name__}: {what}{hint}", file=sys.stderr)
        return USAGE_ERROR


def _parser() -> argparse.ArgumentParser:
    from agents.registry import declarations, default_agents
    from reporter.formats import formats

    parser = argparse.ArgumentParser(prog="reviewbot", description=__doc__)
    parser.add_argument("--version", action="version", version=version("reviewbot"))
    parser.add_argument("-v", "--verbose", action="store_true", help="log workflow details")
    parser.set_defaults(reads_env_file=False, needs_git=False)
    # -v also after the command; SUPPRESS keeps the value given before it
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    review = commands.add_parser(
        "review", help="review a local git change and print the review", parents=[common]
    )
    review.add_argument("path", nargs="?", default=".", help="a git repository (default: .)")
    review.add_argument("--base", help="base ref (default: merge base with the default branch)")
    review.add_argument("--head", default="HEAD", help="head ref (default: HEAD)")
    review.add_argument(
        "--format",
        choices=list(formats()),
        default="text",
        help="; ".join(f"{f.name}: {f.description}" for f in formats().values()),
    )
    review.add_argument("--output", type=Path, help="write the review to this file")
    review.add_argument(
        "--agents",
        help="comma-separated agents to run, of: "
        + "; ".join(f"{a.name} ({a.description})" for a in declarations())
        + f" (default: {','.join(default_agents(False))}; "
        f"with a model: {','.join(default_agents(True))})",
    )
    review.add_argument(
        "--model",
        action="append",
        metavar="[AGENT=]SPEC",
        help="model of the AI reviewers: none, bedrock:<model id>, anthropic:<model> or "
        "openai:<model>; AGENT=SPEC sets one agent's model; repeatable "
        "(default: $REVIEWBOT_MODEL, else none)",
    )
    review.add_argument(
        "--filter",
        choices=[m.value for m in FilterMode],
        help="which findings are kept (default: the repository's configuration, else "
        "introduced: what the change introduces, anywhere in a changed file when the agent "
        "compared it with the base, else on added lines; or reviewdog's added, "
        "diff_context, file, nofilter)",
    )
    review.add_argument(
        "--pre-existing",
        action="store_true",
        help="with the introduced filter, also report findings already at the base on the "
        "lines the change adds or modifies (default: the repository's configuration, else "
        "they are only counted)",
    )
    review.add_argument(
        "--fail-on",
        choices=[*(s.value for s in Severity), "never"],
        help="the severity that fails the review, exit status 1 (default: the repository's "
        "configuration, else error)",
    )
    review.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="use this configuration file instead of the base commit's .github/reviewbot.yml",
    )
    review.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="no progress on stderr (there is none when stderr is not a terminal)",
    )
    review.set_defaults(command=_review, needs_git=True)

    add_config_commands(commands, common)

    doctor = commands.add_parser(
        "doctor",
        help="list every analyser, its version, and whether it can run here",
        parents=[common],
    )
    doctor.set_defaults(command=_doctor)

    replay = commands.add_parser(
        "replay",
        help="route a saved webhook delivery without a signature check, as a dry run",
        parents=[common],
    )
    replay.add_argument("event_json", type=Path, help="a saved delivery's JSON body")
    replay.add_argument("--event", help="the X-GitHub-Event name (default: inferred from the body)")
    replay.set_defaults(command=_replay, reads_env_file=True)

    serve = commands.add_parser(
        "serve",
        help="run the GitHub App webhook endpoint with the reviews in this process "
        "(settings from the environment over ./.env)",
        parents=[common],
    )
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1, this machine only; 0.0.0.0 for all)",
    )
    serve.add_argument(
        "--port", type=int, default=8000, help="TCP port to listen on (default: 8000)"
    )
    serve.set_defaults(command=_serve, reads_env_file=True)

    workspace = commands.add_parser("workspace", help="manage the workspace", parents=[common])
    actions = workspace.add_subparsers(required=True, metavar="ACTION")
    gc = actions.add_parser(
        "gc",
        parents=[common],
        help="remove finished run folders past REVIEWBOT_RUN_RETENTION_HOURS, then the oldest "
        "until the workspace is under REVIEWBOT_WORKSPACE_MAX_MB",
    )
    gc.set_defaults(command=_workspace_gc)
    return parser


def _configure_logging(verbose: bool) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, stream=sys.stderr)
    if not verbose:  # the SDK logs every retried step with a traceback
        for name in (
            "aws_durable_execution_sdk_python",
            "aws_durable_execution_sdk_python_testing",
        ):
            logging.getLogger(name).setLevel(logging.CRITICAL)


def _review(args: argparse.Namespace, settings: Settings) -> int:
    from agents.registry import names
    from orchestrator.git import repository_root
    from orchestrator.local import WorkflowFailed, run_review
    from orchestrator.local_repo import LocalRepository
    from reporter.formats import formats
    from review.git import GitError
    from reviewbot.review_notes import live_progress, note_uncommitted, nothing_ran

    model, agent_models = _models(args.model, settings)
    agents: tuple[str, ...] = ()  # none named: the repository's configuration, or the defaults
    if args.agents is not None:
        agents = tuple(dict.fromkeys(a.strip() for a in args.agents.split(",") if a.strip()))
        unknown = [a for a in agents if a not in names()]
        if unknown:
            raise UsageError(
                f"unknown agent {', '.join(unknown)}; choose from {', '.join(names())}"
            )
        if not agents:
            raise UsageError(f"--agents names no agent; choose from {', '.join(names())}")
    output = _writable(args.output)
    try:
        options = review_options(args, settings)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
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
    _collect_garbage(settings)
    try:
        report = run_review(request, settings.workspace_root(), progress=progress, options=options)
    except (WorkflowFailed, GitError) as exc:
        print(f"reviewbot: {exc}; rerun with --verbose for details", file=sys.stderr)
        return USAGE_ERROR
    finally:
        if progress is not None:
            progress.close()
    warn_if_invalid(report)
    rendered = formats()[args.format].render(report)
    if output is None:
        sys.stdout.write(rendered)
    else:
        try:
            output.write_text(rendered, encoding="utf-8")
        except OSError as exc:  # lose nothing: the review goes to stdout instead
            sys.stdout.write(rendered)
            print(
                f"reviewbot: cannot write {output}: {exc}; the review is on stdout", file=sys.stderr
            )
            return USAGE_ERROR
    if nothing_ran(report):
        return USAGE_ERROR
    return 1 if report.fails(report.config.fail_on) else 0


def _writable(output: Path | None) -> Path | None:
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


def _models(values: list[str] | None, settings: Settings) -> tuple[str, dict[str, str]]:
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


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    """Serve `POST /webhook`, `GET /healthz` and `GET /readyz`; reviews run on the local
    durable runner. Without any App setting nor a stored App, serve the setup page instead
    (`reviewbot.serve_setup`). A setting GitHub refuses, a damaged workspace store, or
    another server keeping the workspace past REVIEWBOT_WORKSPACE_WAIT_SECONDS stops it,
    with one line."""
    from orchestrator.local import DamagedStore
    from orchestrator.review_queue import DamagedQueue
    from orchestrator.serve_lock import WorkspaceBusy, lock_workspace
    from review.app_credentials import with_stored_app
    from reviewbot.serve import serve

    model, agent_models = _models(None, settings)
    config = settings.review_config(model=model, agent_models=agent_models)
    try:
        settings, stored = with_stored_app(settings)
        if settings.names_an_app():
            app = _app_of(settings, config, stored is not None)
        else:
            from reviewbot.serve_setup import build_setup_app, setup_token

            token = setup_token(settings)
            app = build_setup_app(settings, token, config=config)
            print(_setup_notice(settings, token), file=sys.stderr, flush=True)
    except (ConfigError, DamagedQueue, DamagedStore) as exc:
        raise UsageError(str(exc)) from None
    root = settings.workspace_root()
    wait = settings.workspace_wait_seconds

    def waiting(holder: str) -> None:
        print(
            f"reviewbot: waiting up to {wait:g} s for the reviewbot serve using {root} "
            f"({holder}) to stop (a rolling deploy?)",
            file=sys.stderr,
            flush=True,
        )

    try:
        lock = lock_workspace(root, wait, waiting)  # held until the process ends
    except WorkspaceBusy as exc:
        raise UsageError(str(exc)) from None
    try:
        serve(app, settings, args.host, args.port)
    finally:
        lock.release()
    return 0


def _setup_notice(settings: Settings, token: str) -> str:
    """The start line of `serve` without an App: the setup link with its token (printed to
    the operator's terminal only, never logged; REVIEWBOT_SETUP_TOKEN's value is not
    repeated), or what to set first."""
    from review.app_credentials import credentials_path

    if not settings.public_url:
        how = (
            "set REVIEWBOT_PUBLIC_URL to this server's URL and restart: the setup link is "
            "printed then"
        )
    elif settings.setup_token is not None:
        how = f"open {settings.public_url}/setup?token=<REVIEWBOT_SETUP_TOKEN> to create one"
    else:
        how = (
            f"open {settings.public_url}/setup?token={token} to create one (the link works "
            "until the App is created; a restart makes a new one)"
        )
    return (
        f"reviewbot: no GitHub App is configured: {how} (stored in "
        f"{credentials_path(settings)}), or set REVIEWBOT_APP_ID, "
        "REVIEWBOT_PRIVATE_KEY_PATH and REVIEWBOT_WEBHOOK_SECRET"
    )


def _app_of(settings: Settings, config: ReviewConfig, stored: bool) -> FastAPI:
    """The reviewing app for the configured App, whose credentials GitHub must not refuse
    (`stored`: they come from the setup page's credentials file)."""
    from review.app_credentials import credentials_path
    from reviewbot.serve import build_serve_app

    app = build_serve_app(settings, config=config)  # a bad setting fails here, as one line
    check = app.state.app_check.check_now()
    if check.refused and stored:
        raise UsageError(
            f"GitHub refuses the App stored in {credentials_path(settings)}: {check.detail}; "
            "was it deleted? Move the file aside and create the App again at /setup"
        )
    if check.refused:
        raise UsageError(
            f"{settings.key_variable()} or REVIEWBOT_APP_ID is wrong: {check.detail}; "
            f"check that the key is the one GitHub generated for App {settings.app_id}"
        )
    if not check.ok:
        print(f"reviewbot: not ready yet: {check.detail} (see GET /readyz)", file=sys.stderr)
    return app


def _collect_garbage(settings: Settings) -> None:
    """Bound the workspace before a run (`review`); a failure to do so is only logged."""
    from orchestrator.review_queue import DamagedQueue
    from orchestrator.workspace_gc import collect_garbage

    try:
        collect_garbage(
            settings.workspace_root(),
            max_bytes=settings.workspace_max_bytes(),
            retention_seconds=settings.run_retention_seconds(),
            busy=_pending_elsewhere(settings),
        )
    except (OSError, DamagedQueue) as exc:
        print(f"reviewbot: the workspace was not swept: {exc}", file=sys.stderr)


def _pending_elsewhere(settings: Settings) -> Callable[[RunDir], bool]:
    """The run folders `reviewbot serve` records as pending or running (the same
    workspace may serve both), as a `busy(run)` predicate."""
    from orchestrator.review_queue import ReviewQueue
    from orchestrator.workspace_gc import recorded_busy

    path = settings.workspace_root() / "state" / "reviews.sqlite"
    if not path.is_file():
        return recorded_busy(set())
    queue = ReviewQueue(path)
    try:
        return recorded_busy(queue.busy_heads())
    finally:
        queue.close()


def _workspace_gc(args: argparse.Namespace, settings: Settings) -> int:
    """Bound the workspace now and print what was freed."""
    from orchestrator.review_queue import DamagedQueue
    from orchestrator.workspace_gc import collect_garbage

    root = settings.workspace_root()
    try:
        done = collect_garbage(
            root,
            max_bytes=settings.workspace_max_bytes(),
            retention_seconds=settings.run_retention_seconds(),
            busy=_pending_elsewhere(settings),
        )
    except DamagedQueue as exc:
        raise UsageError(str(exc)) from None
    mb = 1024 * 1024
    print(
        f"freed {done.freed_bytes / mb:.1f} MB: removed {len(done.removed)} finished run "
        f"folder{'s' if len(done.removed) != 1 else ''}"
        + (f", kept {done.kept_busy} in progress or pending" if done.kept_busy else "")
        + (
            f", removed {done.cache_entries_removed} findings cache entries"
            if done.cache_entries_removed
            else ""
        )
        + f"; {root} now holds {done.total_bytes / mb:.1f} MB "
        f"(cap {settings.workspace_max_mb} MB, retention {settings.run_retention_hours:g} h)"
    )
    for run_id in done.removed:
        print(f"  removed runs/{run_id}")
    return 0


def _doctor(args: argparse.Namespace, settings: Settings) -> int:
    """Print each agent's analysers with their versions; exit 1 when one cannot run."""
    from agents.inventory import inventory

    statuses = inventory()
    width = max((len(f"{s.agent}/{s.tool}") for s in statuses), default=10)
    for status in statuses:
        mark = "ok     " if status.available else "MISSING"
        line = f"{mark} {status.agent + '/' + status.tool:<{width}}  {status.version}"
        if not status.available and status.install:
            line += f" (install: {status.install})"
        print(line)
    missing = [s for s in statuses if not s.available]
    print(f"{len(statuses) - len(missing)} of {len(statuses)} analysers can run")
    return 1 if missing else 0


def _replay(args: argparse.Namespace, settings: Settings) -> int:
    """Print what the edge would answer, which review it would start and what it would
    send GitHub; start and send nothing. With the App configured (its variables, or the
    setup page's stored App as `serve` reads it), a command's look-ups
    (the commenter's permission, the pull request's head) ask GitHub; without it, they
    are assumed, and the output says so."""
    from agents.registry import names
    from orchestrator.review_queue import recorded_status
    from review.trigger import ReviewStatus, StartResult
    from webhook.app_auth import client_from_settings
    from webhook.replay import DryRunGitHub, LookupFailed, replay
    from webhook.settings import WebhookSettings

    settings, key = _replay_app(args.event_json, settings)
    try:
        if key:
            settings.require_valid_app()
        payload = json.loads(args.event_json.read_text(encoding="utf-8"))
        edge = WebhookSettings(
            webhook_secret=_REPLAY_SECRET,
            known_agents=names(),
            app_id=settings.app_id,
            private_key=key,
            github_api_url=settings.github_api_url,
            app_slug=settings.app_slug,
            review_drafts=settings.review_drafts,
        )
    except (OSError, ValueError, ConfigError) as exc:
        raise UsageError(f"cannot replay {args.event_json}: {exc}") from None
    if not isinstance(payload, dict):
        raise UsageError(f"{args.event_json} is not a JSON object: pass a delivery's body")
    queue = settings.workspace_root() / "state" / "reviews.sqlite"
    would_start: list[dict] = []

    class DryRun:
        """Answers as `reviewbot serve` on this workspace would: a duplicate while the
        review is recorded there as pending or after it succeeded; starts nothing."""

        def start(self, trigger) -> StartResult:
            name = trigger.execution_name()
            status = recorded_status(queue, name)
            if status is ReviewStatus.PENDING:
                return StartResult(False, name, "review already pending")
            if status is ReviewStatus.SUCCEEDED:
                return StartResult(False, name, "review already done")
            would_start.append(trigger.to_dict())
            return StartResult(True, name, "dry run: nothing was started")

        def status(self, execution_name: str) -> ReviewStatus | None:
            return recorded_status(queue, execution_name)

    github = DryRunGitHub(client_from_settings(edge))
    try:
        outcome = replay(args.event, payload, edge, DryRun(), github)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    except LookupFailed as exc:
        raise UsageError(f"cannot replay {args.event_json}: {exc}") from None
    result = {
        "status_code": outcome.status_code,
        "body": outcome.body,
        "would_start": would_start,
        "would_send": github.would_send,
        "asked_github": github.asked,
        "assumed": github.assumed,
    }
    print(json.dumps(result, indent=2))
    return 0


def _replay_app(event_json: Path, settings: Settings) -> tuple[Settings, str | None]:
    """`settings` as the App `serve` would act as (its variables, else the stored App), and
    the App's key (None without an App). UsageError when they cannot be read."""
    from review.app_credentials import with_stored_app

    try:
        settings, _ = with_stored_app(settings)
        if settings.app_id is None:
            return settings, None
        return settings, settings.key()  # the App is configured: its key must be usable
    except ConfigError as exc:
        raise UsageError(f"cannot replay {event_json}: {exc}") from None
    except Exception as exc:  # a Secrets Manager ARN that cannot be read here
        raise UsageError(
            f"cannot replay {event_json}: {settings.key_variable()} cannot be read ({exc})"
        ) from None
