"""What a crawl process need not pay for at start."""

from __future__ import annotations

REMOTE_CONTROL = "scrapy.extensions.remote_control.RemoteControl"


def unlist_remote_control_when_off(settings) -> None:
    """Leave Scrapy's remote control out of the extensions unless REMOTE_CONTROL_ENABLED.

    Scrapy imports every listed extension to order the list, even one switched off, and the
    remote control imports aiohttp's web server: 0.15-0.3 s of every crawl process's start.
    """
    if not settings.getbool("REMOTE_CONTROL_ENABLED"):
        settings["EXTENSIONS_BASE"].pop(REMOTE_CONTROL, None)
