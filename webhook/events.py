"""What the App must subscribe to and be granted (tests check webhook/app-manifest.yml).

Kept free of imports so `from webhook import ROUTED_EVENTS` costs nothing.
"""

# Every event `webhook.routing.decide` handles.
ROUTED_EVENTS: frozenset[str] = frozenset(
    {
        "pull_request",
        "issue_comment",
        "check_run",
        "ping",
        "installation",
        "installation_repositories",
    }
)

# GitHub delivers these to every App; a manifest cannot subscribe to them.
ALWAYS_DELIVERED: frozenset[str] = frozenset({"ping", "installation", "installation_repositories"})

# Permission -> the lowest access level that works, with what needs it.
REQUIRED_PERMISSIONS: dict[str, str] = {
    # the collaborator-permission lookup for commands
    "metadata": "read",
    # pull_request events, reading a PR's head for commands, posting the review
    "pull_requests": "write",
    # issue_comment events, the eyes reaction and /help replies
    "issues": "write",
    # check_run events; the review reports as a check run
    "checks": "write",
    # the review clones the head commit
    "contents": "read",
}
