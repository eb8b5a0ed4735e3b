"""Structured log lines: a message plus fields that stay separate, queryable keys.

`log_event` puts each field on the log record as an attribute of its own (`extra`). On
Lambda the runtime formats records (the functions' `LoggingConfig` sets `LogFormat: JSON`)
and its JSON formatter copies every such attribute into a top-level key of the line, next
to `timestamp`, `level`, `message`, `logger` and `requestId`; it serialises them without a
fallback, so the values here are made plain JSON first. Locally (`reviewbot serve`) the
lines are the readable ones of `logging.basicConfig`.

Source: the Lambda Python runtime interface client, `awslambdaric.lambda_runtime_log_utils`
(`JsonFormatter`), which `tests/infra/test_lambda_logging.py` runs on these records.
"""

from __future__ import annotations

import json
import logging
from typing import Any

# Names a field cannot take as it is: the attributes every LogRecord has (logging refuses
# to overwrite them) and the keys the runtime's JSON formatter writes itself (it would drop
# a field of the same name). Such a field is logged as `field_<name>`.
_TAKEN = frozenset(logging.makeLogRecord({}).__dict__) | {
    "message",
    "asctime",
    "timestamp",
    "level",
    "logger",
    "stackTrace",
    "errorType",
    "errorMessage",
    "requestId",
    "location",
    "tenantId",
    "aws_request_id",
    "tenant_id",
}


def log_event(
    logger: logging.Logger,
    message: str,
    level: int = logging.INFO,
    exc_info: BaseException | None = None,
    /,
    **fields: Any,
) -> None:
    """Log `message` with structured `fields`, each a key of its own in JSON log lines.

    The other parameters are positional only, so that a field may take any name.
    """
    extra = {(f"field_{k}" if k in _TAKEN else k): _plain(v) for k, v in fields.items()}
    logger.log(level, message, exc_info=exc_info, extra=extra)


def _plain(value: Any) -> Any:
    """`value` as plain JSON data (str, number, bool, None, list, dict); others as text."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return json.loads(json.dumps(value, default=str))
