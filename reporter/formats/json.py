"""`--format json`: the report as data (`Report.to_dict`, version 1)."""

from __future__ import annotations

import json

from reporter.formats import Format
from review.report import Report


def render_json(report: Report) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"


FORMAT = Format("json", "the report as JSON, for scripts", render_json)
