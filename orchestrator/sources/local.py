"""A change in a repository on this machine, as `reviewbot review` asks for it.

The command line resolved the refs; prepare applies the repository's configuration (the
base commit's `.github/reviewbot.yml`, or the file `--config` names) under the options
the user gave explicitly, and fills in the default agents. The result stays in the run
folder: the command renders it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from agents import registry
from orchestrator import steps
from orchestrator.local_repo import LocalRepository
from orchestrator.repo_config import config_context, configure, git_finder, read_local_file
from orchestrator.sources import Sink
from review.request import ReviewRequest
from review.settings import DEFAULT_MAX_INLINE_COMMENTS
from review.trigger import LOCAL_SOURCE
from review.workspace import RunDir, Workspace


class LocalSource:
    name = LOCAL_SOURCE

    def prepare(self, event: dict[str, Any], root: Path) -> dict[str, Any]:
        """The event's request with the repository's configuration applied (except for the
        fields in the event's `explicit`), and the default agents when none is named.

        A repository reached by URL rather than a path has no configuration read."""
        request = ReviewRequest.from_dict(event["request"])
        options = RepoOptions.from_dict(event.get("repo_config"))
        config = request.config
        if "://" not in request.source:
            config, source = configure(
                config,
                config_context(config, options.max_inline_comments),
                git_finder(LocalRepository(Path(request.source))),
                request.base,
                request.head,
                explicit=options.explicit,
                override=read_local_file(Path(options.file)) if options.file else None,
            )
            request = replace(request, config_source=source)
        if not config.agents:
            config = replace(config, agents=registry.default_agents(config.uses_model))
        request = replace(request, config=config)
        steps.prepare(Workspace(root).run(request.run_id), request)
        return {"request": request.to_dict()}

    def clone(self, run: RunDir, request: ReviewRequest) -> dict[str, Any]:
        return steps.clone(run, request)

    def sinks(self, event: dict[str, Any], prepared: dict[str, Any], root: Path) -> list[Sink]:
        return []


@dataclass(frozen=True)
class RepoOptions:
    """How a local review takes the repository's configuration: `file` replaces the base
    commit's (`--config`), the `explicit` `ReviewConfig` fields (options the user gave)
    keep their value, and `max_inline_comments` is the most the file may ask for."""

    file: str | None = None
    explicit: tuple[str, ...] = ()
    max_inline_comments: int = DEFAULT_MAX_INLINE_COMMENTS

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "explicit": list(self.explicit)}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> RepoOptions:
        data = data or {}
        return cls(
            file=data.get("file"),
            explicit=tuple(data.get("explicit") or ()),
            max_inline_comments=int(data.get("max_inline_comments", DEFAULT_MAX_INLINE_COMMENTS)),
        )


def local_event(request: ReviewRequest, options: RepoOptions | None = None) -> dict[str, Any]:
    """The workflow's input for a local review."""
    event: dict[str, Any] = {"source": LOCAL_SOURCE, "request": request.to_dict()}
    if options is not None:
        event["repo_config"] = options.to_dict()
    return event
