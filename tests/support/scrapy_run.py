"""Run the project's scrapy commands the way a user does: as a subprocess from the project root."""

from __future__ import annotations

import os
import subprocess
import sys

from scrapy.settings import Settings

from crawler import settings as crawler_settings
from crawler.paths import PROJECT_ROOT


def run_scrapy(*args: str, timeout: int = 300, env: dict | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "scrapy", *args]
    return subprocess.run(
        command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=timeout,
        env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
    )


def project_settings(**overrides) -> Settings:
    """The project's settings as a command sees them, with ``overrides`` given on its command line."""
    settings = Settings()
    settings.setmodule(crawler_settings)
    settings.setdict(overrides, priority="cmdline")
    return settings
