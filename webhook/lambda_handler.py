"""AWS Lambda entry point: `webhook.lambda_handler.handler` (Mangum over the FastAPI app).

`handler` is built on first attribute access, which the Lambda runtime does during
init, so secrets are fetched once per cold start; importing the module costs
nothing. Reviews are handed to the durable review function by asynchronous invoke.

Environment: REVIEWBOT_WEBHOOK_SECRET_ARN (or REVIEWBOT_WEBHOOK_SECRET),
REVIEWBOT_PRIVATE_KEY_ARN (or REVIEWBOT_PRIVATE_KEY[_PATH]), REVIEWBOT_APP_ID,
REVIEWBOT_REVIEW_FUNCTION, REVIEWBOT_REVIEW_FUNCTION_ALIAS (default "live").
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from functools import cache
from typing import Any

from webhook.settings import ConfigError, load_settings

logger = logging.getLogger(__name__)


@cache
def secret_string(arn: str) -> str:
    """A Secrets Manager secret's text, fetched once per process."""
    import boto3

    return boto3.client("secretsmanager").get_secret_value(SecretId=arn)["SecretString"]


def build_handler(env: Mapping[str, str] | None = None) -> Any:
    """The Mangum handler for `env` (default: the process environment)."""
    from mangum import Mangum

    from webhook.app import create_app
    from webhook.app_auth import client_from_settings
    from webhook.logs import configure_logging
    from webhook.starters import DedupingStarter, LambdaStarter

    env = dict(os.environ) if env is None else env
    secret_arn = env.get("REVIEWBOT_WEBHOOK_SECRET_ARN")
    key_arn = env.get("REVIEWBOT_PRIVATE_KEY_ARN")
    settings = load_settings(
        env,
        webhook_secret=secret_string(secret_arn) if secret_arn else None,
        private_key=secret_string(key_arn) if key_arn else None,
    )
    function = env.get("REVIEWBOT_REVIEW_FUNCTION")
    if not function:
        raise ConfigError(
            "REVIEWBOT_REVIEW_FUNCTION is not set: set it to the review function's name"
        )
    starter = DedupingStarter(
        LambdaStarter(function, env.get("REVIEWBOT_REVIEW_FUNCTION_ALIAS") or "live")
    )
    configure_logging(env.get("REVIEWBOT_LOG_LEVEL") or "INFO")
    github = client_from_settings(settings)
    if github is None:
        logger.warning("REVIEWBOT_APP_ID or the private key is not set: commands are ignored")
    return Mangum(create_app(settings, starter, github), lifespan="off")


def __getattr__(name: str) -> Any:
    if name == "handler":
        globals()["handler"] = built = build_handler()
        return built
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
