"""Secrets reviewer: detect-secrets over every changed text file.

`--no-verify`: verifying a secret means sending it to its provider; a reviewer must
never do that with somebody else's credentials.
"""

from __future__ import annotations

import re

from agents.analysis import Analysis
from agents.declaration import FILES, PYTHON, Agent, Analyser
from agents.files import EVERY_FILE
from agents.parsers import ToolOutput
from review.findings import Finding, Severity
from review.lines import LineModel

# detect-secrets' secret types: the rule ids it reports (a test checks them against the
# installed detect-secrets, whose plugins take 0.8 s to import)
SECRET_TYPES = (
    "AWS Access Key", "Artifactory Credentials", "Azure Storage Account access key",
    "Base64 High Entropy String", "Basic Auth Credentials", "Cloudant Credentials",
    "Discord Bot Token", "GitHub Token", "GitLab Token", "Hex High Entropy String",
    "IBM COS HMAC Credentials", "IBM Cloud IAM Key", "JSON Web Token", "Mailchimp Access Key",
    "NPM tokens", "OpenAI Token", "Private Key", "Public IP (ipv4)", "PyPI Token",
    "Secret Keyword", "SendGrid API Key", "Slack Token", "SoftLayer Credentials",
    "Square OAuth Secret", "Stripe Access Key", "Telegram Bot Token", "Twilio API Key",
)  # fmt: skip

# Detectors that guess from names or entropy, not from a credential's known format:
# worth a look, not a failed check.
HEURISTIC = frozenset({"Secret Keyword", "Base64 High Entropy String", "Hex High Entropy String"})


def parse_detect_secrets(output: ToolOutput) -> Analysis:
    """detect-secrets' JSON baseline: a finding per secret, an error unless it is a guess."""
    report = output.json()
    analysis = Analysis()
    for reported, secrets in (report.get("results") or {}).items():
        path = output.repo_path(reported)
        if path is None:
            continue
        for secret in secrets:
            analysis.findings.append(
                Finding(
                    agent=output.agent,
                    rule=secret["type"],
                    severity=Severity.WARNING if secret["type"] in HEURISTIC else Severity.ERROR,
                    path=path,
                    line=secret["line_number"],
                    message=f"Possible secret committed ({secret['type']}): rotate it and "
                    "load it from a secret store instead.",
                    category="hardcoded-secret",
                )
            )
    return analysis


AGENT = Agent(
    name="secrets",
    description="detect-secrets on every text file, never verifying a secret",
    files=EVERY_FILE,
    order=30,
    analysers=(
        Analyser(
            command=(PYTHON, "-m", "detect_secrets", "scan", "--no-verify", "--", FILES),
            version=(PYTHON, "-m", "detect_secrets", "--version"),
            rule_ids="|".join(re.escape(name) for name in SECRET_TYPES),
            parse=parse_detect_secrets,
            name="detect-secrets",
            line_model=LineModel.UNIVERSAL,  # it reads files with universal newlines
            relative=True,  # it skips files outside its working directory
            # `# pragma: allowlist secret` and `# pragma: allowlist nextline secret`
            suppressions=(r"(?i)pragma\s*:\s*allowlist",),
        ),
    ),
)
