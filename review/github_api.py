"""GitHub API conventions shared by the edge and the flow: headers and the token cache policy.

Both sides act as the App through installation tokens, each scoped to one repository
and to the permissions one task needs (GitHub: "Generating an installation access token
for a GitHub App"). The edge exchanges them with plain httpx (githubkit costs 0.4 s of
cold start), the flow through githubkit; both keep them in a `TokenCache` with one
policy, and drop a token GitHub stopped accepting.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from datetime import datetime

# The REST API version both sides speak: githubkit's latest, checked by a test.
API_VERSION = "2026-03-10"
API_HEADERS = {
    "Accept": "application/vnd.github+json",
    "X-GitHub-Api-Version": API_VERSION,
}
# A token is used until this long before it expires: a clone or a publish step must be
# able to finish with the token it started with (tokens live one hour).
TOKEN_MARGIN_SECONDS = 300.0

Permissions = Mapping[str, str]
# Collaborator permission levels that count as write access: they may trigger a review
# and dismiss the App's findings.
WRITE_LEVELS = frozenset({"admin", "maintain", "write"})
BUILT_IN_ROLES = WRITE_LEVELS | {"triage", "read"}
TokenKey = tuple[int, str, tuple[tuple[str, str], ...]]


def permission_level(data: Mapping[str, object]) -> str:
    """The permission level in a collaborator-permission answer (GitHub REST: "Get
    repository permissions for a user"): admin, maintain, write, triage, read or none.

    `role_name` decides: it tells maintain and triage apart, which the legacy `permission`
    field folds into write and read. Only a custom role, whose `role_name` is its own
    name, falls back to the legacy field (the level of the role it is based on).
    """
    role = data.get("role_name")
    if role in BUILT_IN_ROLES:
        return str(role)
    return str(data.get("permission") or "none")


def token_key(installation_id: int, repository: str, permissions: Permissions) -> TokenKey:
    """The cache key of a token for `owner/name` with exactly `permissions`."""
    return (installation_id, repository, tuple(sorted(permissions.items())))


def expiry(expires_at: str) -> float:
    """A token's `expires_at` (ISO 8601, e.g. `2026-01-01T00:00:00Z`) as a Unix time."""
    return datetime.fromisoformat(expires_at.replace("Z", "+00:00")).timestamp()


class TokenCache:
    """Installation tokens by `token_key`, each until `margin` seconds before it expires.

    Thread-safe; never process-wide (each App object owns one), so tests and two Apps in
    one process never share tokens.
    """

    def __init__(
        self, clock: Callable[[], float] = time.time, margin: float = TOKEN_MARGIN_SECONDS
    ) -> None:
        self._clock = clock
        self._margin = margin
        self._tokens: dict[TokenKey, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def get(self, key: TokenKey) -> str | None:
        with self._lock:
            cached = self._tokens.get(key)
        if cached and cached[1] - self._margin > self._clock():
            return cached[0]
        return None

    def put(self, key: TokenKey, token: str, expires_at: str) -> str:
        with self._lock:
            self._tokens[key] = (token, expiry(expires_at))
        return token

    def drop(self, token: str) -> None:
        """Forget `token` (GitHub answered 401 to it): the next `get` mints a new one."""
        with self._lock:
            for key in [k for k, (t, _) in self._tokens.items() if t == token]:
                del self._tokens[key]
