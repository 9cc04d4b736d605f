"""Real HTTP on 127.0.0.1 for the tests: a free port, and a WSGI app served in a thread."""

from __future__ import annotations

import socket
import threading
from typing import Any

from werkzeug.serving import make_server


def free_port() -> int:
    """A TCP port free on loopback now (for apps that must know their URL before starting)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """A WSGI app served over real HTTP on 127.0.0.1 in a background thread."""

    def __init__(self, app: Any, port: int = 0) -> None:
        self._server = make_server("127.0.0.1", port, app, threaded=True)
        self.port = self._server.server_port
        self.url = f"http://localhost:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop serving and free the port."""
        self._server.shutdown()
        self._server.server_close()
