"""What `crawlall` prints by default: progress lines on a terminal, real warnings, the summary.

Scrapy's INFO lines (its settings and stats, once per site) bury the progress lines, so by
default the log shows warnings only; `-L INFO` or `--logfile FILE` bring the full log back.
"""

from __future__ import annotations

import logging
import sys

PROGRESS_LOGGER = "crawler.progress"
# Set at the command line, the priority Scrapy gives -L and --logfile.
CMDLINE_PRIORITY = 40


def quiet_by_default(settings, on_terminal: bool) -> None:
    """Warnings only unless the user asked for a level or a log file; progress lines on a terminal."""
    asked_for_logs = settings.getpriority("LOG_LEVEL") >= CMDLINE_PRIORITY or bool(settings.get("LOG_FILE"))
    if not asked_for_logs:
        settings.set("LOG_LEVEL", "WARNING", priority="cmdline")
    if not on_terminal or not settings.getbool("LOG_ENABLED"):  # --nolog: nothing but the summary
        return
    # One progress line per site instead of Scrapy's unnamed "Crawled N pages" lines.
    settings.set("PROGRESS_INTERVAL", 10.0, priority="cmdline")
    settings.set("LOGSTATS_INTERVAL", 0.0, priority="cmdline")
    stderr_shows_info = not settings.get("LOG_FILE") and logging.getLevelName(settings.get("LOG_LEVEL")) <= logging.INFO
    if not stderr_shows_info:
        show_progress_on(sys.stderr)


def show_progress_on(stream) -> None:
    """Progress lines to `stream` whatever the log level; they still reach a log file through the root logger."""
    logger = logging.getLogger(PROGRESS_LOGGER)
    if any(getattr(h, "course_progress", False) for h in logger.handlers):
        return
    handler = logging.StreamHandler(stream)
    handler.setLevel(logging.INFO)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    handler.course_progress = True
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
