"""What the end-to-end drivers tests/chaos/run.py and tests/upgrade/run.py share: a release's
`taskapp serve` started as production runs it, and the percentile their summaries report.

Both run as scripts (`python tests/<suite>/run.py`), so each puts this folder on sys.path first.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path


def pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def spawn_serve(
    backend: Path, port: int, env: Mapping[str, str], log_path: Path
) -> subprocess.Popen[bytes]:
    """`taskapp serve` of the release installed in `backend` (its .venv) on 127.0.0.1:`port`, in
    production mode with `env` over this process's environment and no web app; output appended to
    `log_path`; in a session of its own, so a signal sent to it reaches the server alone."""
    full_env = {**os.environ, "TASKAPP_ENV": "production", **env}
    full_env.pop("TASKAPP_WEB_DIR", None)
    with log_path.open("ab") as out:
        return subprocess.Popen(
            [
                *(str(backend / ".venv" / "bin" / "taskapp"), "serve"),
                *("--host", "127.0.0.1", "--port", str(port)),
            ],
            cwd=backend,
            env=full_env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
