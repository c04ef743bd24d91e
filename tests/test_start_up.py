"""A crawl process does not import what it will not use: Scrapy's remote control unless asked for."""

import subprocess
import sys

import pytest
from scrapy.settings import Settings

from crawler import settings as project_settings
from crawler.operations.start_up import REMOTE_CONTROL, unlist_remote_control_when_off
from crawler.paths import PROJECT_ROOT


@pytest.mark.parametrize("enabled, listed", [(False, False), (True, True)])
def test_the_remote_control_is_listed_only_when_switched_on(enabled, listed):
    settings = Settings()
    settings.setmodule(project_settings)
    settings.set("REMOTE_CONTROL_ENABLED", enabled, priority="cmdline")
    unlist_remote_control_when_off(settings)
    assert (REMOTE_CONTROL in settings.getdict("EXTENSIONS_BASE")) is listed
    # Every other extension of Scrapy's stays.
    assert "scrapy.extensions.closespider.CloseSpider" in settings.getdict("EXTENSIONS_BASE")


def crawl_imports(database, *extra: str) -> str:
    """What a one-site replay imports (python -X importtime), with extra -s settings."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "scrapy", "crawl", "lsbu", "-s", "REPLAY=data/snapshot/snapshot.warc.gz",
         "-s", f"DATABASE={database}", "-s", "LOG_LEVEL=WARNING", *extra],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stderr


def test_a_crawl_imports_no_web_server_unless_the_remote_control_is_on(tmp_path):
    assert "| aiohttp\n" not in crawl_imports(tmp_path / "off.db")
    assert "| aiohttp\n" in crawl_imports(tmp_path / "on.db", "-s", "REMOTE_CONTROL_ENABLED=1")
