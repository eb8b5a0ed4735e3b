"""The GitHub App's credentials file, written by the setup page of `reviewbot serve`.

`<config dir>/github-app.json` (see `Settings.config_root`), mode 0600 in a directory of
mode 0700: the one place reviewbot keeps a secret on disk, because the manifest flow hands
the App's private key and webhook secret to the server and nowhere else. A JSON object:

    {"app_id": 123, "slug": "my-reviewbot", "html_url": "https://github.com/apps/my-reviewbot",
     "github_api_url": "https://api.github.com", "webhook_secret": "...",
     "private_key": "-----BEGIN RSA PRIVATE KEY-----\\n..."}

`reviewbot serve` reads it at start-up when none of the App's variables is set
(REVIEWBOT_APP_ID, REVIEWBOT_PRIVATE_KEY*, REVIEWBOT_WEBHOOK_SECRET*): the App is taken
whole from the file, its slug included, or not at all.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pydantic import SecretStr

from review.settings import ConfigError, Settings

FILE_NAME = "github-app.json"


@dataclass(frozen=True)
class AppCredentials:
    """What GitHub's manifest conversion returns that reviewbot needs; secrets out of repr."""

    app_id: int
    slug: str
    html_url: str
    github_api_url: str
    webhook_secret: str = field(repr=False)
    private_key: str = field(repr=False)

    @property
    def install_url(self) -> str:
        """Where the App's owner installs it on accounts and repositories."""
        return self.html_url.rstrip("/") + "/installations/new"

    def apply_to(self, settings: Settings) -> Settings:
        """`settings` acting as this App (id, slug, key and webhook secret together)."""
        return settings.model_copy(
            update={
                "app_id": self.app_id,
                "app_slug": self.slug,
                "private_key": SecretStr(self.private_key),
                "webhook_secret": SecretStr(self.webhook_secret),
            }
        )


def credentials_path(settings: Settings) -> Path:
    """`<config dir>/github-app.json` (see `Settings.config_root`)."""
    return settings.config_root() / FILE_NAME


def write_credentials(path: Path, credentials: AppCredentials) -> None:
    """Write `path` atomically, created with mode 0600 (never readable by others, not even
    for a moment) in a directory made with mode 0700. OSError when it cannot be written."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    staging = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(asdict(credentials), out, indent=2)
            out.write("\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(staging, path)
    except BaseException:
        staging.unlink(missing_ok=True)
        raise


def read_credentials(path: Path) -> AppCredentials | None:
    """The credentials in `path`; None when there is no such file. ConfigError, naming the
    file, when it cannot be read, is not what `write_credentials` wrote, or others may
    read it."""
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ConfigError(
            f"the App's credentials file {path} cannot be read ({exc.strerror})"
        ) from None
    if mode & 0o077:
        raise ConfigError(
            f"the App's credentials file {path} may be read by other users: run `chmod 600 {path}`"
        )
    try:
        data = json.loads(text)
        credentials = AppCredentials(**data)
        values = asdict(credentials)
        app_id = values.pop("app_id")
        valid = type(app_id) is int and app_id > 0
        valid = valid and all(isinstance(value, str) and value for value in values.values())
    except (ValueError, TypeError):
        valid = False
    if not valid:
        raise ConfigError(
            f"the App's credentials file {path} is damaged: move it aside and create the "
            "App again at /setup, or set REVIEWBOT_APP_ID and the other App variables"
        )
    return credentials


def with_stored_app(settings: Settings) -> tuple[Settings, AppCredentials | None]:
    """`settings` as the App of the credentials file when no App variable is set and the
    file exists; else `settings` unchanged and None. ConfigError when the file is damaged
    or its App lives on another GitHub than REVIEWBOT_GITHUB_API_URL."""
    if settings.names_an_app():
        return settings, None
    path = credentials_path(settings)
    credentials = read_credentials(path)
    if credentials is None:
        return settings, None
    if credentials.github_api_url.rstrip("/") != settings.github_api_url:
        raise ConfigError(
            f"the App in {path} was created on {credentials.github_api_url}, but "
            f"REVIEWBOT_GITHUB_API_URL is {settings.github_api_url}: set it to that URL"
        )
    return credentials.apply_to(settings), credentials
