"""Every `REVIEWBOT_*` setting: its name, its parsing and its default, in one place.

Each entry point (the `reviewbot` command, `reviewbot serve`, each Lambda handler) calls
`load_settings` once and passes the result, or the parts of it a component needs, down;
nothing else reads the environment. A value that cannot be used stops the entry point
with a `ConfigError` of one line naming the variable and saying what to set.

Secrets (the webhook secret, the App's private key) come from the variable itself, a
file (`REVIEWBOT_PRIVATE_KEY_PATH`) or, on AWS, a Secrets Manager ARN read through
`read_secret`; their values never appear in `repr`, logs or errors.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from review.request import ReviewConfig

from pydantic import BaseModel, ConfigDict, Field, Json, SecretStr, ValidationError, field_validator

PREFIX = "REVIEWBOT_"
DEFAULT_API_URL = "https://api.github.com"
DEFAULT_GITHUB_URL = "https://github.com"
DEFAULT_MAX_INLINE_COMMENTS = 25
LAMBDA_MOUNT = Path("/mnt/workspace")
DEFAULT_REQUEST_TIMEOUT_SECONDS = 10.0  # GitHub sends a delivery at once
SETUP_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,200}")  # URL-safe, so the link works as printed


class ConfigError(Exception):
    """A configuration value is missing or invalid; the message is one line for the operator."""


class Settings(BaseModel):
    """The deployment's settings, one field per `REVIEWBOT_<FIELD>` variable."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    # the GitHub App
    webhook_secret: SecretStr | None = None
    webhook_secret_arn: str | None = None
    app_id: int | None = Field(default=None, gt=0)
    private_key: SecretStr | None = None
    private_key_path: Path | None = None
    private_key_arn: str | None = None
    github_api_url: str = DEFAULT_API_URL
    app_slug: str = Field(default="reviewbot", min_length=1)
    # the setup page of `reviewbot serve` (creating the App from its manifest)
    public_url: str | None = None  # where GitHub and browsers reach this server
    webhook_url: str | None = None  # default: public_url + /webhook
    github_url: str = DEFAULT_GITHUB_URL  # GitHub's web pages (GitHub Enterprise Server: its URL)
    config_dir: Path | None = None  # the App's credentials file from the setup page
    setup_token: SecretStr | None = None  # the setup link's token (default: a random one)
    # what the App does
    review_drafts: bool = False
    max_inline_comments: int = Field(default=DEFAULT_MAX_INLINE_COMMENTS, ge=0)
    request_changes: bool = False
    report_pre_existing: bool = False
    code_scanning: bool = False  # upload SARIF (the App needs security_events: write)
    model: str = "none"
    # where it runs
    workspace: Path | None = None
    workspace_max_mb: int = Field(default=5000, gt=0)
    max_checkout_mb: int = Field(default=200, gt=0)  # changed files written per review
    run_retention_hours: float = Field(default=24.0, ge=0)
    # `reviewbot serve`
    max_concurrent_reviews: int = Field(default=2, ge=1, le=64)
    shutdown_grace_seconds: float = Field(default=20.0, ge=0)
    workspace_wait_seconds: float = Field(default=60.0, ge=0)  # for another serve to stop
    request_timeout_seconds: float = Field(default=DEFAULT_REQUEST_TIMEOUT_SECONDS, gt=0)
    max_connections: int = Field(default=100, ge=1)
    agent_functions: Json[dict[str, str]] = Field(default_factory=dict)
    review_function: str | None = None
    review_function_alias: str = "live"
    on_lambda: bool = False  # from AWS_LAMBDA_FUNCTION_NAME, not a REVIEWBOT_ variable

    @field_validator("github_api_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.strip().rstrip("/") or DEFAULT_API_URL

    @field_validator("github_url")
    @classmethod
    def _web_url(cls, value: str) -> str:
        return _http_url(value) or DEFAULT_GITHUB_URL

    @field_validator("public_url", "webhook_url")
    @classmethod
    def _optional_url(cls, value: str | None) -> str | None:
        return _http_url(value) if value else None

    @field_validator("setup_token")
    @classmethod
    def _url_safe_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not SETUP_TOKEN.fullmatch(value.get_secret_value()):
            raise ValueError(
                "must be at least 20 characters from A-Z, a-z, 0-9, _ and - (for example "
                "from `openssl rand -hex 32`)"
            )
        return value

    @field_validator("model")
    @classmethod
    def _model(cls, value: str) -> str:
        return value.strip() or "none"

    @field_validator("private_key")
    @classmethod
    def _pem_newlines(cls, value: SecretStr | None) -> SecretStr | None:
        # Single-line env files often carry the PEM with literal "\n".
        if value is None:
            return None
        return SecretStr(value.get_secret_value().replace("\\n", "\n"))

    @field_validator("agent_functions")
    @classmethod
    def _functions(cls, value: dict[str, str]) -> dict[str, str]:
        if not all(name and function for name, function in value.items()):
            raise ValueError("must map agent names to function names")
        return value

    # -- derived values ------------------------------------------------------------------

    def workspace_root(self) -> Path:
        """The workspace: REVIEWBOT_WORKSPACE, else the Lambda mount, else the user cache."""
        if self.workspace is not None:
            return self.workspace.expanduser()
        if self.on_lambda:
            return LAMBDA_MOUNT
        from platformdirs import user_cache_dir

        return Path(user_cache_dir("reviewbot")) / "workspace"

    def config_root(self) -> Path:
        """Where `reviewbot serve` keeps the App's credentials: REVIEWBOT_CONFIG_DIR, else the
        user configuration directory (`$XDG_CONFIG_HOME/reviewbot`, by default
        `~/.config/reviewbot`, on Linux; platformdirs' convention elsewhere)."""
        if self.config_dir is not None:
            return self.config_dir.expanduser()
        from platformdirs import user_config_dir

        return Path(user_config_dir("reviewbot"))

    def names_an_app(self) -> bool:
        """Whether any of the App's settings (id, key, webhook secret) is set."""
        return any(
            value is not None
            for value in (
                self.app_id,
                self.webhook_secret,
                self.webhook_secret_arn,
                self.private_key,
                self.private_key_path,
                self.private_key_arn,
            )
        )

    def secret(self, read: Callable[[str], str] | None = None) -> str | None:
        """The webhook secret: the variable, else the Secrets Manager secret it names."""
        if self.webhook_secret is not None and self.webhook_secret.get_secret_value():
            return self.webhook_secret.get_secret_value()
        if self.webhook_secret_arn:
            return (read or read_secret)(self.webhook_secret_arn)
        return None

    def key(self, read: Callable[[str], str] | None = None) -> str | None:
        """The App's PEM key: the variable, the file, or the Secrets Manager secret."""
        if self.private_key is not None and self.private_key.get_secret_value():
            return self.private_key.get_secret_value()
        if self.private_key_path is not None:
            path = self.private_key_path.expanduser()
            try:
                return path.read_text()
            except OSError as exc:
                raise ConfigError(
                    f"{PREFIX}PRIVATE_KEY_PATH cannot be read ({exc.strerror}): "
                    f"fix the path {str(path)!r}"
                ) from None
        if self.private_key_arn:
            return (read or read_secret)(self.private_key_arn)
        return None

    def require_webhook_secret(self, read: Callable[[str], str] | None = None) -> str:
        secret = self.secret(read)
        if not secret:
            raise ConfigError(
                f"{PREFIX}WEBHOOK_SECRET is not set: set it to the App's webhook secret"
            )
        if secret != secret.strip():
            raise ConfigError(
                f"{PREFIX}WEBHOOK_SECRET starts or ends with whitespace: GitHub signs with the "
                "secret exactly as entered in the App's settings, so remove it"
            )
        return secret

    def require_app(self, read: Callable[[str], str] | None = None) -> tuple[int, str]:
        """(App id, private key), or ConfigError naming the one that is missing."""
        if self.app_id is None:
            raise ConfigError(f"{PREFIX}APP_ID is not set: set it to the GitHub App's numeric id")
        key = self.key(read)
        if not key:
            raise ConfigError(
                f"{PREFIX}PRIVATE_KEY is not set: set it to the App's PEM key "
                f"or {PREFIX}PRIVATE_KEY_PATH to its file"
            )
        return self.app_id, key

    def require_valid_app(self, read: Callable[[str], str] | None = None) -> tuple[int, str]:
        """(App id, private key) as `require_app`, with the key parsed: ConfigError names the
        variable it came from when it is not an RSA private key in PEM form."""
        app_id, key = self.require_app(read)
        from cryptography.hazmat.primitives.asymmetric import rsa
        from cryptography.hazmat.primitives.serialization import load_pem_private_key

        try:
            parsed = load_pem_private_key(key.encode(), password=None)
        except (ValueError, TypeError) as exc:
            reason = str(exc).split("\n")[0].split(". ")[0] or type(exc).__name__
            raise ConfigError(
                f"{self.key_variable()} is not a usable private key ({reason}): set it to the "
                "PEM file GitHub generated for the App (BEGIN RSA PRIVATE KEY)"
            ) from None
        if not isinstance(parsed, rsa.RSAPrivateKey):
            raise ConfigError(
                f"{self.key_variable()} is not an RSA key: GitHub Apps sign with RSA keys"
            )
        return app_id, key

    def key_variable(self) -> str:
        """The variable the private key is read from (the first one set wins, as in `key`)."""
        if self.private_key is not None and self.private_key.get_secret_value():
            return f"{PREFIX}PRIVATE_KEY"
        if self.private_key_path is not None:
            return f"{PREFIX}PRIVATE_KEY_PATH"
        return f"{PREFIX}PRIVATE_KEY_ARN"

    def workspace_max_bytes(self) -> int:
        """REVIEWBOT_WORKSPACE_MAX_MB in bytes (MB = 2**20 bytes)."""
        return self.workspace_max_mb * 1024 * 1024

    def run_retention_seconds(self) -> float:
        return self.run_retention_hours * 3600.0

    def review_config(self, **fields: Any) -> ReviewConfig:
        """The review configuration these settings give (REVIEWBOT_MODEL,
        REVIEWBOT_MAX_CHECKOUT_MB, REVIEWBOT_REPORT_PRE_EXISTING), with `fields`
        (ReviewConfig's) over them."""
        from review.request import ReviewConfig  # not on the webhook's cold path

        given = {
            "model": self.model,
            "max_checkout_bytes": self.max_checkout_mb * 2**20,
            "report_pre_existing": self.report_pre_existing,
        }
        return ReviewConfig(**{**given, **fields})


_SECRET_FIELDS = frozenset({"webhook_secret", "private_key", "setup_token"})


def load_settings(
    env: Mapping[str, str] | None = None, env_file: str | Path | None = ".env"
) -> Settings:
    """Settings from `env` (default: the process environment over `env_file`, if present).

    Real environment variables always win over the file. Raises ConfigError, one line.
    """
    if env is None:
        env = read_environment(env_file)
    values: dict[str, Any] = {}
    for name in Settings.model_fields:
        raw = env.get(PREFIX + name.upper())
        if raw is not None and raw.strip() != "":
            values[name] = raw.strip() if name not in _SECRET_FIELDS else raw
    values["on_lambda"] = bool(env.get("AWS_LAMBDA_FUNCTION_NAME"))
    try:
        return Settings.model_validate(values)
    except ValidationError as exc:
        raise ConfigError(_describe(exc)) from None


def read_environment(env_file: str | Path | None = ".env") -> dict[str, str]:
    """The process environment over an optional `.env` file (real variables always win)."""
    values: dict[str, str] = {}
    if env_file is not None and Path(env_file).is_file():
        from dotenv import dotenv_values

        values = {k: v for k, v in dotenv_values(env_file).items() if v is not None}
    values.update(os.environ)
    return values


@cache
def read_secret(arn: str) -> str:
    """A Secrets Manager secret's text, fetched once per process (boto3 imported lazily)."""
    import boto3

    return boto3.client("secretsmanager").get_secret_value(SecretId=arn)["SecretString"]


def _http_url(value: str | None) -> str | None:
    """`value` without surrounding space or trailing slashes; ValueError unless http(s)."""
    value = (value or "").strip().rstrip("/")
    if value and not value.startswith(("https://", "http://")):
        raise ValueError("must be an http:// or https:// URL")
    return value or None


def _describe(exc: ValidationError) -> str:
    """The first problem of a validation error as one line naming the variable."""
    error = exc.errors()[0]
    name = str(error["loc"][0]) if error["loc"] else ""
    variable = PREFIX + name.upper()
    message = str(error["msg"]).split("\n")[0]
    if name in _SECRET_FIELDS:
        return f"{variable}: {message}"
    return f"{variable}: {message}, got {error.get('input')!r}"
