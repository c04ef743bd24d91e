"""A pseudo-terminal for a child process, so a test sees what a command prints on a terminal."""

from __future__ import annotations

import os
import pty
import threading


class TerminalCapture:
    """Opens a pty; give ``fd`` to the child as stdout or stderr; ``text`` is what it printed.

    The leader end is drained on a thread while the child runs: a full pty buffer would
    otherwise block the child.
    """

    def __enter__(self) -> "TerminalCapture":
        self._leader, self.fd = pty.openpty()
        self._chunks: list[bytes] = []
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()
        return self

    def _drain(self) -> None:
        while True:
            try:
                data = os.read(self._leader, 65536)
            except OSError:
                return
            if not data:
                return
            self._chunks.append(data)

    def __exit__(self, *exc) -> None:
        os.close(self.fd)
        self._reader.join(timeout=10)
        os.close(self._leader)

    @property
    def text(self) -> str:
        return b"".join(self._chunks).decode("utf-8", "replace")
