"""cfn-lint finds nothing in the stack, as written and as deployed.

cfn-lint checks SAM resources against SAM's own schema, which passes some properties through
unchecked (DurableConfig, FileSystemConfigs); linting the SAM-transformed template as well
checks them against the Lambda schema. Both runs use the repository's .cfnlintrc.yaml; the
template's only exceptions are documented next to the resources they concern.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from template_support import REPO_ROOT, TEMPLATE

# The `cfn-lint` command, run by the test's own interpreter (cfnlint has no __main__).
CFN_LINT = "import sys; from cfnlint.runner import main; sys.exit(main())"


def cfn_lint(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", CFN_LINT, "--", str(path)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_the_sam_template_lints_clean() -> None:
    done = cfn_lint(TEMPLATE)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_the_transformed_template_lints_clean(translated: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "transformed.json"
    path.write_text(json.dumps(translated, indent=1))
    done = cfn_lint(path)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
