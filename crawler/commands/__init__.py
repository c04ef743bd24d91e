"""The project's Scrapy commands (COMMANDS_MODULE); Scrapy imports this package in every command."""

# Scrapy first imports its HTTP download handler when a crawl's first downloader is built, deep
# in the reactor's call stack, and that import defines three deprecated aliases, each of which
# calls inspect.stack(): reading the source lines of every frame on the stack cost ~0.2 s of CPU
# a crawl. Imported here, the stack is a few frames deep.
import scrapy.core.downloader.handlers.http11  # noqa: F401
