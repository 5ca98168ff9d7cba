"""The preview's web server: the standard library's HTTP server in a thread of its own.

It serves the preview's own things and nothing else, by exact path: ``/`` (the page),
``/state`` (the last build, as JSON), ``/events`` (server-sent events: one ``build``
event per rebuild), ``/page/N.png`` (page N of the last good PDF), ``/html`` (the last
good HTML output). Any other path, a file of the project or ``/../../etc/passwd``, is a
404; there are no directory listings. It binds to loopback unless told otherwise.
"""

from __future__ import annotations

import json
import queue
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from .show import Shown

PAGE = "page.html"
HEARTBEAT = 15.0  # seconds between comments on the event stream (a closed tab is noticed)


class Server(ThreadingHTTPServer):
    """The HTTP server of one preview: what it shows, and who listens for rebuilds."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, host: str, port: int, shown: Shown) -> None:
        super().__init__((host, port), Handler)
        self.shown = shown
        self.listeners: list[queue.SimpleQueue[str | None]] = []
        self.lock = threading.Lock()
        self.page = (resources.files(__package__) / PAGE).read_bytes()

    @property
    def url(self) -> str:
        """Return the address of the preview (``http://127.0.0.1:PORT/``)."""
        host, port = str(self.server_address[0]), int(self.server_address[1])
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}/"

    def announce(self, generation: int) -> None:
        """Tell every open page that build ``generation`` is there to show."""
        with self.lock:
            for listener in self.listeners:
                listener.put(json.dumps({"generation": generation}))

    def start(self) -> threading.Thread:
        """Serve in a thread of its own (a daemon); return it."""
        thread = threading.Thread(target=self.serve_forever, name="guidegen-preview",
                                  daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        """Stop serving; end every event stream."""
        with self.lock:
            for listener in self.listeners:
                listener.put(None)
        self.shutdown()
        self.server_close()


class Handler(BaseHTTPRequestHandler):
    """Answers GET and HEAD for the preview's own paths (see the module's docstring)."""

    server: Server
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        """Answer a GET."""
        path = urlsplit(self.path).path
        shown = self.server.shown
        if path == "/":
            self._send(self.server.page, "text/html; charset=utf-8")
        elif path == "/state":
            self._send(json.dumps(shown.state()).encode("utf-8"), "application/json")
        elif path == "/events":
            self._events()
        elif path == "/html":
            html = shown.html()
            self._send(html, "text/html; charset=utf-8") if html is not None else \
                self._missing()
        elif path.startswith("/page/") and path.endswith(".png") \
                and path[6:-4].isdigit() and len(path) < 20:
            picture = shown.picture(int(path[6:-4]))
            self._send(picture, "image/png") if picture is not None else self._missing()
        else:
            self._missing()

    def do_HEAD(self) -> None:
        """Answer a HEAD as a GET without its body: only for the page."""
        self._missing()

    def _send(self, body: bytes, kind: str) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        self.wfile.write(body)

    def _missing(self) -> None:
        self.send_error(HTTPStatus.NOT_FOUND)

    def _events(self) -> None:
        """Stream one ``build`` event per rebuild until the page or the server goes."""
        listener: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        with self.server.lock:
            self.server.listeners.append(listener)
        try:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            self._write(": connected\n\n")
            while True:
                try:
                    message = listener.get(timeout=HEARTBEAT)
                except queue.Empty:
                    self._write(": still here\n\n")
                    continue
                if message is None:
                    return
                self._write(f"event: build\ndata: {message}\n\n")
        except (BrokenPipeError, ConnectionResetError):
            return
        finally:
            with self.server.lock:
                self.server.listeners.remove(listener)

    def _write(self, text: str) -> None:
        self.wfile.write(text.encode("utf-8"))
        self.wfile.flush()

    def log_message(self, format: str, *args: Any) -> None:
        """Log nothing: the terminal says what was built, not every request."""
