"""`reviewbot`: review a local change, check a repository's configuration, serve the GitHub
webhook, replay a delivery, and bound the workspace."""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
import traceback
from importlib.metadata import version
from typing import TYPE_CHECKING

from review.settings import ConfigError, Settings, load_settings
from reviewbot import replay_cli, review_cli, serve_cli, workspace_cli
from reviewbot.config_cli import add_commands as add_config_commands
from reviewbot.errors import USAGE_ERROR, UsageError

if TYPE_CHECKING:
    pass


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
    review_cli.add_command(commands, common)
    add_config_commands(commands, common)
    doctor = commands.add_parser(
        "doctor",
        help="list every analyser, its version, and whether it can run here",
        parents=[common],
    )
    doctor.set_defaults(command=_doctor)

    replay_cli.add_command(commands, common)
    serve_cli.add_command(commands, common)
    workspace_cli.add_command(commands, common)
    return parser


def _configure_logging(verbose: bool) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, stream=sys.stderr)
    if not verbose:  # the SDK logs every retried step with a traceback
        for name in (
            "aws_durable_execution_sdk_python",
            "aws_durable_execution_sdk_python_testing",
        ):
            logging.getLogger(name).setLevel(logging.CRITICAL)


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
