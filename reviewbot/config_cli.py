"""`reviewbot config`: check a repository's `.github/reviewbot.yml`, print its JSON Schema,
and show the configuration a review of a repository would use.

- `config check [FILE]`: `FILE:LINE: key: message` per problem on stdout; exit 0 when
  the file is valid, 2 when it is not (or cannot be read).
- `config schema`: the JSON Schema (`schemas/reviewbot.schema.json` is a copy).
- `config show [PATH] [--base REF]`: the effective configuration, as YAML (itself a valid
  file): reviewbot's defaults merged with the file at the base a review would use; exit
  2, with the file's problems on stderr, when that file is invalid (the defaults apply).

Files are checked against this installation: its agents, their rule ids, and the App's
limits (`REVIEWBOT_MAX_INLINE_COMMENTS`; the budgets' defaults).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from review.config_file import CONFIG_FILES, ConfigProblem
from review.settings import Settings

if TYPE_CHECKING:
    from orchestrator.sources.local import RepoOptions
    from review.repo_config import ConfigContext
    from review.report import Report

INVALID = 2


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    """Register `config check|schema|show` on the `reviewbot` subcommands."""
    config = commands.add_parser(
        "config",
        help="check, describe or show a repository's .github/reviewbot.yml",
        parents=[common],
    )
    actions = config.add_subparsers(required=True, metavar="ACTION")
    check = actions.add_parser(
        "check",
        help="validate a configuration file: FILE:LINE: message per error, exit 2",
        parents=[common],
    )
    check.add_argument(
        "file", nargs="?", type=Path, help="the file (default: .github/reviewbot.yml, or .yaml)"
    )
    check.set_defaults(command=_check)
    schema = actions.add_parser(
        "schema", help="print the configuration file's JSON Schema", parents=[common]
    )
    schema.set_defaults(command=_schema)
    show = actions.add_parser(
        "show",
        help="print the configuration a review of a repository uses, defaults merged",
        parents=[common],
    )
    show.add_argument("path", nargs="?", default=".", help="a git repository (default: .)")
    show.add_argument("--base", help="base ref (default: as `reviewbot review` picks it)")
    show.set_defaults(command=_show, needs_git=True)


def context(settings: Settings) -> ConfigContext:
    """What files are checked against here (see the module's docstring)."""
    from orchestrator.repo_config import config_context

    return config_context(settings.review_config(), settings.max_inline_comments)


def file_problems(path: Path, settings: Settings) -> list[ConfigProblem]:
    """The problems of the configuration file at `path` (none: it is valid)."""
    from orchestrator.repo_config import read_local_file
    from review.config_file import parse_config

    parsed = parse_config(read_local_file(path), context(settings))
    return parsed if isinstance(parsed, list) else []


def review_options(args: argparse.Namespace, settings: Settings) -> RepoOptions:
    """How `reviewbot review` takes the repository's configuration: `--config FILE`
    instead of the base's file, and the options given explicitly, which beat it.
    ValueError lists the problems of an invalid `--config` file."""
    from orchestrator.sources.local import RepoOptions

    if args.config is not None:
        problems = file_problems(args.config, settings)
        if problems:
            raise ValueError(f"{args.config} is invalid:\n" + "\n".join(f"  {p}" for p in problems))
    given = {
        "agents": args.agents,
        "filter_mode": args.filter,
        "fail_on": args.fail_on,
        "report_pre_existing": args.pre_existing or None,
    }
    return RepoOptions(
        file=str(args.config.resolve()) if args.config else None,
        explicit=tuple(name for name, value in given.items() if value is not None),
        max_inline_comments=settings.max_inline_comments,
    )


def warn_if_invalid(report: Report) -> None:
    """On stderr, whatever the format: the repository's file was invalid, and why."""
    source = report.config.source
    if source.errors:
        print(
            f"reviewbot: {source.describe()} is invalid, so the defaults were used:",
            file=sys.stderr,
        )
        for problem in source.errors:
            print(f"  {problem}", file=sys.stderr)


def _check(args: argparse.Namespace, settings: Settings) -> int:
    path = args.file or next((Path(p) for p in CONFIG_FILES if Path(p).is_file()), None)
    if path is None:
        print(
            f"reviewbot: no {' or '.join(CONFIG_FILES)} here: pass the file to check",
            file=sys.stderr,
        )
        return INVALID
    problems = file_problems(path, settings)
    for problem in problems:
        print(problem)
    if not problems:
        print(f"{path}: valid")
    return INVALID if problems else 0


def _schema(args: argparse.Namespace, settings: Settings) -> int:
    from review.repo_config import json_schema

    print(json.dumps(json_schema(), indent=2, ensure_ascii=False))
    return 0


def _show(args: argparse.Namespace, settings: Settings) -> int:
    import yaml

    from agents.registry import default_agents
    from orchestrator.git import repository_root
    from orchestrator.local_repo import LocalRepository
    from orchestrator.repo_config import find_config, git_finder
    from review.config_file import load_config
    from review.git import GitError

    try:
        repo = LocalRepository(repository_root(Path(args.path)))
        head = repo.resolve("HEAD")
        base = repo.resolve(args.base) if args.base else repo.default_base(head)[0]
        found = find_config(git_finder(repo), base)
    except GitError as exc:
        print(f"reviewbot: {exc} (check the path and --base)", file=sys.stderr)
        return INVALID
    repo_config, source = load_config(found, base, context(settings))
    config = settings.review_config().with_repository(repo_config)
    if not config.agents:
        config = replace(config, agents=default_agents(config.uses_model))
    for problem in source.errors:
        print(problem, file=sys.stderr)
    status = {"invalid": "invalid, so the defaults apply", "applied": "applied"}
    print(f"# {repo.path} at base {base[:12]}: {source.describe()}", end="")
    print(f" ({status[source.status]})" if source.status in status else "")
    effective = config.repository_view(settings.max_inline_comments)
    print(yaml.safe_dump(effective, sort_keys=False, allow_unicode=True), end="")
    return INVALID if source.errors else 0
