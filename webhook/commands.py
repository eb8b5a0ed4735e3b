"""Comment commands (`/review`, `/review <agent>…`, `/help`, `@<slug> review`): parsing and replies.

Only the first non-empty line of a comment is read, so quoting a command further
down a discussion does not start a review.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

CommandName = Literal["review", "help"]


# `/review full`: comment on every finding not yet commented, not only on what changed
# since the last reviewed head. A word, not an agent name.
FULL = "full"


@dataclass(frozen=True)
class ParsedCommand:
    """A recognised command; `args` are lower-cased agent names, deduplicated in order;
    `full` is set by the word `full` among them (`/review full`)."""

    name: CommandName
    args: tuple[str, ...] = ()
    full: bool = False


def parse_command(body: str | None, app_slug: str) -> ParsedCommand | None:
    """The command in a comment body, or None when the comment is not one."""
    line = next((ln.strip() for ln in (body or "").splitlines() if ln.strip()), "")
    tokens = line.replace(",", " ").split()
    if not tokens:
        return None
    head = tokens[0].lower()
    mentions = {f"@{app_slug.lower()}", f"@{app_slug.lower()}[bot]"}
    if head in mentions and len(tokens) > 1:
        verb, args = tokens[1].lower(), tokens[2:]
    elif head.startswith("/"):
        verb, args = head[1:], tokens[1:]
    else:
        return None
    if verb == "help":
        return ParsedCommand("help")
    if verb == "review":
        words = tuple(dict.fromkeys(a.lower() for a in args))
        return ParsedCommand("review", tuple(w for w in words if w != FULL), FULL in words)
    return None


def _agent_list(agents: tuple[str, ...]) -> str:
    return ", ".join(f"`{a}`" for a in agents)


def help_text(app_slug: str, agents: tuple[str, ...]) -> str:
    """The reply to `/help`."""
    return (
        f"**{app_slug} commands** (for people with write access to this repository):\n\n"
        "- `/review`: review the pull request's current head again with every agent; "
        "new inline comments go only to what changed since the last review\n"
        "- `/review full`: the same, with inline comments on every finding not yet "
        "commented\n"
        "- `/review <agent> …`: review with only the named agents (also `/review full "
        "<agent> …`)\n"
        f"- `@{app_slug} review`: same as `/review`\n"
        "- `/help`: show this message\n\n"
        f"Agents: {_agent_list(agents)}."
    )


def unknown_agents_text(user: str, unknown: tuple[str, ...], agents: tuple[str, ...]) -> str:
    """The reply when `/review` names agents that do not exist; nothing is started."""
    example = " ".join(agents[:2])
    return (
        f"Sorry @{user}, I don't know {_agent_list(unknown)}, so I did not start a review. "
        f"Valid agents are {_agent_list(agents)}, for example `/review {example}`."
    )
