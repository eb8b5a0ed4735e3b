"""JavaScript and TypeScript reviewer: oxlint (its correctness and suspicious rules, and
a few security rules) over the changed JS/TS files.

oxlint is the PyPI build of the official binary: no Node.js, so even a mistaken
invocation could not run a repository's JavaScript plugin. It reads our configuration
(`-c`, `--disable-nested-config`), never `.oxlintrc.json` or `.eslintignore` files of the
repository (`--no-ignore`); `eslint-disable` and `oxlint-disable` comments the change
adds are neutralised. A script without a suffix that runs node (`#!/usr/bin/env node`)
is given to it as a `.js` copy: oxlint reads no file without a suffix it knows.
"""

from __future__ import annotations

from agents.analysis import Analysis
from agents.configs import config
from agents.declaration import CONFIG, FILES, Agent, Analyser
from agents.files import Files
from agents.parsers import ToolOutput, sarif
from review.findings import Severity
from review.lines import LineModel

JS_SUFFIXES = ("js", "jsx", "mjs", "cjs", "ts", "tsx", "mts", "cts")
JS_INTERPRETERS = ("node", "nodejs")  # `bin/cli` starting `#!/usr/bin/env node`
GENERATED_JS = ("*.min.js", "*.min.mjs", "*.min.cjs", "*.bundle.js", "*.generated.ts")

# oxlint's levels follow our configuration (correctness rules at "error", suspicious at
# "warn"): bugs, not exploitable as such, so warnings; unused code is hygiene.
SEVERITIES = {
    "eslint(no-unused-vars)": Severity.NOTE,
    "error": Severity.WARNING,
    "warning": Severity.WARNING,
    "note": Severity.NOTE,
}
# Rules that find what the `patterns` rule pack finds, named alike so they merge.
CATEGORIES = {
    "eslint(no-eval)": "code-injection",
    "eslint(no-new-func)": "code-injection",
}


def parse_oxlint(output: ToolOutput) -> Analysis:
    """oxlint's SARIF (the shared parser), with the categories shared with the rule pack."""
    analysis = sarif(output)
    analysis.findings = [
        f.evolve(category=CATEGORIES[f.rule]) if f.rule in CATEGORIES else f
        for f in analysis.findings
    ]
    return analysis


AGENT = Agent(
    name="javascript",
    description="oxlint on JavaScript and TypeScript files",
    files=Files.of(suffixes=JS_SUFFIXES, interpreters=JS_INTERPRETERS, exclude=GENERATED_JS),
    order=58,
    analysers=(
        Analyser(
            command=("oxlint", "-c", CONFIG, "--disable-nested-config", "--no-ignore")
            + ("--format", "sarif", FILES),
            config=config("oxlint.json"),
            version=("oxlint", "--version"),
            parse=parse_oxlint,
            findings_exit_codes=(1,),  # 1: a rule at level "error" fired
            severities=SEVERITIES,
            # `// eslint-disable-next-line`, `/* oxlint-disable */`, `// eslint-disable-line`
            suppressions=(r"(?i)(?:eslint|oxlint)-disable",),
            rule_ids=r"[a-z_-]+\([a-z0-9/_-]+\)",  # eslint(no-eval), typescript(...)
            line_model=LineModel.UNIVERSAL,  # a lone CR ends its lines too (not U+2028)
            language_by_suffix=True,  # a `#!/usr/bin/env node` script is read as .js
            install="pip install 'oxlint>=1.89' (a reviewbot dependency)",
        ),
    ),
)
