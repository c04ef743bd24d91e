"""A crawl process does not import what it will not use: Scrapy's remote control unless asked for."""

import pytest

from crawler.operations.start_up import REMOTE_CONTROL, unlist_remote_control_when_off
from tests.support.scrapy_run import project_settings, run_scrapy


@pytest.mark.parametrize("enabled, listed", [(False, False), (True, True)])
def test_the_remote_control_is_listed_only_when_switched_on(enabled, listed):
    settings = project_settings(REMOTE_CONTROL_ENABLED=enabled)
    unlist_remote_control_when_off(settings)
    assert (REMOTE_CONTROL in settings.getdict("EXTENSIONS_BASE")) is listed
    # Every other extension of Scrapy's stays.
    assert "scrapy.extensions.closespider.CloseSpider" in settings.getdict("EXTENSIONS_BASE")


def crawl_imports(database, *extra: str) -> str:
    """What a one-site replay imports (Python's import-time report), with extra -s settings."""
    result = run_scrapy("crawl", "lsbu", "-s", "REPLAY=data/snapshot/snapshot.warc.gz", "-s", f"DATABASE={database}",
                        "-s", "LOG_LEVEL=WARNING", *extra, env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stderr


def test_a_crawl_imports_no_web_server_unless_the_remote_control_is_on(tmp_path):
    assert "| aiohttp\n" not in crawl_imports(tmp_path / "off.db")
    assert "| aiohttp\n" in crawl_imports(tmp_path / "on.db", "-s", "REMOTE_CONTROL_ENABLED=1")
