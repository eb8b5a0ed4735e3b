"""Settings: every REVIEWBOT_* variable parsed in one place; bad values fail as one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from reporter.github.settings import GitHubSettings
from review.settings import ConfigError, load_settings, read_environment
from webhook.settings import WebhookSettings

BASE = {"REVIEWBOT_WEBHOOK_SECRET": "s3cret"}
AGENTS = ("alpha", "beta")


def test_defaults() -> None:
    settings = load_settings({})
    assert settings.webhook_secret is None
    assert settings.app_id is None
    assert settings.github_api_url == "https://api.github.com"
    assert settings.app_slug == "reviewbot"
    assert settings.review_drafts is False
    assert settings.max_inline_comments == 25
    assert settings.request_changes is False
    assert settings.model == "none"
    assert settings.agent_functions == {}
    assert settings.review_function_alias == "live"
    assert settings.workspace_max_bytes() == 5000 * 1024 * 1024
    assert settings.run_retention_seconds() == 24 * 3600
    assert (settings.max_concurrent_reviews, settings.shutdown_grace_seconds) == (2, 20.0)
    assert (settings.request_timeout_seconds, settings.max_connections) == (10.0, 100)


def test_all_values() -> None:
    settings = load_settings(
        {
            **BASE,
            "REVIEWBOT_APP_ID": "123",
            "REVIEWBOT_PRIVATE_KEY": "-----BEGIN KEY-----\\nabc\\n-----END KEY-----",
            "REVIEWBOT_GITHUB_API_URL": "https://ghe.example.com/api/v3/",
            "REVIEWBOT_APP_SLUG": "my-bot",
            "REVIEWBOT_REVIEW_DRAFTS": "true",
            "REVIEWBOT_MAX_INLINE_COMMENTS": "7",
            "REVIEWBOT_REQUEST_CHANGES": "yes",
            "REVIEWBOT_MODEL": " bedrock:model ",
            "REVIEWBOT_AGENT_FUNCTIONS": '{"alpha": "stack-alpha:live"}',
        }
    )
    edge = WebhookSettings.from_settings(settings, AGENTS, require_app=True)
    assert edge.webhook_secret == "s3cret"
    assert edge.app_id == 123
    assert edge.private_key == "-----BEGIN KEY-----\nabc\n-----END KEY-----"
    assert edge.github_api_url == "https://ghe.example.com/api/v3"
    assert edge.app_slug == "my-bot"
    assert edge.review_drafts is True
    assert edge.known_agents == AGENTS
    github = GitHubSettings.from_settings(settings)
    assert (github.max_inline_comments, github.request_changes) == (7, True)
    assert github.api_url == "https://ghe.example.com/api/v3"
    assert settings.model == "bedrock:model"
    assert settings.agent_functions == {"alpha": "stack-alpha:live"}
    for value in (settings, edge, github):
        assert "BEGIN KEY" not in repr(value) and "s3cret" not in repr(value)


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({**BASE, "REVIEWBOT_APP_ID": "twelve"}, "REVIEWBOT_APP_ID"),
        ({**BASE, "REVIEWBOT_APP_ID": "-3"}, "REVIEWBOT_APP_ID"),
        ({**BASE, "REVIEWBOT_REVIEW_DRAFTS": "maybe"}, "REVIEWBOT_REVIEW_DRAFTS"),
        ({**BASE, "REVIEWBOT_MAX_INLINE_COMMENTS": "-1"}, "REVIEWBOT_MAX_INLINE_COMMENTS"),
        ({**BASE, "REVIEWBOT_MAX_INLINE_COMMENTS": "many"}, "REVIEWBOT_MAX_INLINE_COMMENTS"),
        ({**BASE, "REVIEWBOT_REQUEST_CHANGES": "perhaps"}, "REVIEWBOT_REQUEST_CHANGES"),
        ({**BASE, "REVIEWBOT_AGENT_FUNCTIONS": "{not json"}, "REVIEWBOT_AGENT_FUNCTIONS"),
        ({**BASE, "REVIEWBOT_AGENT_FUNCTIONS": '["a"]'}, "REVIEWBOT_AGENT_FUNCTIONS"),
        ({**BASE, "REVIEWBOT_WORKSPACE_MAX_MB": "0"}, "REVIEWBOT_WORKSPACE_MAX_MB"),
        ({**BASE, "REVIEWBOT_RUN_RETENTION_HOURS": "-1"}, "REVIEWBOT_RUN_RETENTION_HOURS"),
        ({**BASE, "REVIEWBOT_MAX_CONCURRENT_REVIEWS": "0"}, "REVIEWBOT_MAX_CONCURRENT_REVIEWS"),
        ({**BASE, "REVIEWBOT_REQUEST_TIMEOUT_SECONDS": "0"}, "REVIEWBOT_REQUEST_TIMEOUT_SECONDS"),
    ],
)
def test_invalid_values(env: dict[str, str], variable: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(env)
    message = str(info.value)
    assert message.startswith(variable)
    assert "\n" not in message


@pytest.mark.parametrize(
    ("env", "require_app", "variable"),
    [
        ({}, False, "REVIEWBOT_WEBHOOK_SECRET"),
        ({"REVIEWBOT_WEBHOOK_SECRET": ""}, False, "REVIEWBOT_WEBHOOK_SECRET"),
        (BASE, True, "REVIEWBOT_APP_ID"),
        ({**BASE, "REVIEWBOT_APP_ID": "12"}, True, "REVIEWBOT_PRIVATE_KEY"),
        ({**BASE, "REVIEWBOT_PRIVATE_KEY_PATH": "/nonexistent/key.pem"}, False, "_PATH"),
    ],
)
def test_missing_values_for_the_edge(env: dict[str, str], require_app: bool, variable: str) -> None:
    with pytest.raises(ConfigError) as info:
        WebhookSettings.from_settings(load_settings(env), AGENTS, require_app=require_app)
    message = str(info.value)
    assert variable in message
    assert "\n" not in message


def test_a_webhook_secret_with_surrounding_whitespace_is_refused() -> None:
    """GitHub signs with the secret as typed: a copied newline would fail every delivery."""
    with pytest.raises(ConfigError, match="^REVIEWBOT_WEBHOOK_SECRET starts or ends with"):
        WebhookSettings.from_settings(
            load_settings({"REVIEWBOT_WEBHOOK_SECRET": "s3cret\n"}), AGENTS
        )


@pytest.mark.parametrize(
    ("source", "variable"),
    [("REVIEWBOT_PRIVATE_KEY", "REVIEWBOT_PRIVATE_KEY"), ("path", "REVIEWBOT_PRIVATE_KEY_PATH")],
)
@pytest.mark.parametrize(
    "key",
    ["not a key", "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n"],
)
def test_the_app_key_is_parsed_and_a_bad_one_named(
    tmp_path: Path, source: str, variable: str, key: str
) -> None:
    env = {**BASE, "REVIEWBOT_APP_ID": "7"}
    if source == "path":
        (tmp_path / "k.pem").write_text(key)
        env["REVIEWBOT_PRIVATE_KEY_PATH"] = str(tmp_path / "k.pem")
    else:
        env[source] = key
    settings = load_settings(env)
    assert settings.require_app()[1] == key  # present, so far
    with pytest.raises(ConfigError) as info:
        settings.require_valid_app()
    message = str(info.value)
    assert message.startswith(f"{variable} is not a usable private key (")
    assert "\n" not in message and "AAAA" not in message


def test_a_valid_app_key_passes(app_key_pem: str) -> None:
    settings = load_settings(
        {**BASE, "REVIEWBOT_APP_ID": "7", "REVIEWBOT_PRIVATE_KEY": app_key_pem}
    )
    assert settings.require_valid_app() == (7, app_key_pem)


def test_an_ec_key_is_not_an_app_key() -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    pem = (
        ec.generate_private_key(ec.SECP256R1())
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )
    settings = load_settings({**BASE, "REVIEWBOT_APP_ID": "7", "REVIEWBOT_PRIVATE_KEY": pem})
    with pytest.raises(ConfigError, match="^REVIEWBOT_PRIVATE_KEY is not an RSA key"):
        settings.require_valid_app()


@pytest.fixture(scope="module")
def app_key_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()


def test_secrets_never_appear_in_errors() -> None:
    with pytest.raises(ConfigError) as info:
        load_settings({**BASE, "REVIEWBOT_PRIVATE_KEY": "x" * 10, "REVIEWBOT_APP_ID": "no"})
    assert "x" * 10 not in str(info.value)


@pytest.mark.parametrize("token", ["short-but-secret", "has space in it, 20+ characters", "ü" * 30])
def test_a_setup_token_that_is_short_or_not_url_safe_is_refused_unechoed(token: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings({"REVIEWBOT_SETUP_TOKEN": token})
    message = str(info.value)
    assert message.startswith("REVIEWBOT_SETUP_TOKEN: ") and "openssl rand -hex 32" in message
    assert token not in message


def test_a_setup_token_is_kept_secret() -> None:
    token = "Q" * 19 + "-_x"
    settings = load_settings({"REVIEWBOT_SETUP_TOKEN": token})
    assert settings.setup_token is not None and settings.setup_token.get_secret_value() == token
    assert token not in repr(settings)


def test_private_key_from_path(tmp_path: Path) -> None:
    key = tmp_path / "app.pem"
    key.write_text("-----BEGIN RSA PRIVATE KEY-----\n...\n")
    env = {**BASE, "REVIEWBOT_APP_ID": "7", "REVIEWBOT_PRIVATE_KEY_PATH": str(key)}
    assert load_settings(env).require_app() == (7, key.read_text())


def test_secrets_manager_arns_are_read_through_one_helper() -> None:
    reads: list[str] = []

    def read(arn: str) -> str:
        reads.append(arn)
        return f"value of {arn}"

    env = {
        "REVIEWBOT_WEBHOOK_SECRET_ARN": "arn:secret",
        "REVIEWBOT_PRIVATE_KEY_ARN": "arn:key",
        "REVIEWBOT_APP_ID": "9",
    }
    edge = WebhookSettings.from_settings(load_settings(env), AGENTS, read_secret=read)
    assert (edge.webhook_secret, edge.private_key) == ("value of arn:secret", "value of arn:key")
    assert reads == ["arn:secret", "arn:key"]
    # a value in the environment wins over the ARN
    env["REVIEWBOT_PRIVATE_KEY"] = "pem"
    assert load_settings(env).require_app(read) == (9, "pem")


def test_dotenv_never_overrides_the_real_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("REVIEWBOT_WEBHOOK_SECRET=from-file\nREVIEWBOT_APP_SLUG=file-slug\n")
    monkeypatch.setenv("REVIEWBOT_WEBHOOK_SECRET", "from-env")
    monkeypatch.delenv("REVIEWBOT_APP_SLUG", raising=False)
    values = read_environment(env_file)
    assert values["REVIEWBOT_WEBHOOK_SECRET"] == "from-env"
    assert values["REVIEWBOT_APP_SLUG"] == "file-slug"
    monkeypatch.chdir(tmp_path)
    assert load_settings().app_slug == "file-slug"


def test_missing_dotenv_is_fine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REVIEWBOT_WEBHOOK_SECRET", "x")
    assert read_environment(tmp_path / "absent.env")["REVIEWBOT_WEBHOOK_SECRET"] == "x"


def test_only_the_settings_module_reads_reviewbot_variables() -> None:
    """One home per setting: no other module of the project names a REVIEWBOT_ variable
    to read it (docstrings and messages may mention them)."""
    import re

    root = Path(__file__).resolve().parents[2]
    reads = re.compile(r"""(environ|env)(\.get\(|\[)\s*["']REVIEWBOT_""")
    offenders = [
        str(path.relative_to(root))
        for package in ("review", "orchestrator", "agents", "reporter", "webhook", "reviewbot")
        for path in (root / package).rglob("*.py")
        if reads.search(path.read_text()) and path.name != "settings.py"
    ]
    assert offenders == []


def test_the_checkout_budget_reaches_every_review_configuration() -> None:
    settings = load_settings({"REVIEWBOT_MAX_CHECKOUT_MB": "5", "REVIEWBOT_MODEL": "none"})
    assert settings.review_config().max_checkout_bytes == 5 * 2**20
    assert settings.review_config(max_files=3).max_files == 3
    with pytest.raises(ConfigError, match="REVIEWBOT_MAX_CHECKOUT_MB"):
        load_settings({"REVIEWBOT_MAX_CHECKOUT_MB": "0"})


def test_pre_existing_findings_are_reported_only_when_the_app_asks() -> None:
    assert load_settings({}).review_config().report_pre_existing is False
    asked = load_settings({"REVIEWBOT_REPORT_PRE_EXISTING": "true"})
    assert asked.review_config().report_pre_existing is True
    with pytest.raises(ConfigError, match="REVIEWBOT_REPORT_PRE_EXISTING"):
        load_settings({"REVIEWBOT_REPORT_PRE_EXISTING": "sometimes"})
