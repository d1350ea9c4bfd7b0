"""A feed server on 127.0.0.1 for the tests: the shared real feeds under /feeds/NAME, and
crafted answers (slow, errors, redirects, gzip, oversized, hostile, full-text pages).

It records every request's path and headers. It stops when the test ends (and every
handler loop is bounded, so nothing runs on by itself).
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FEEDS = Path(__file__).resolve().parent.parent / "data" / "feeds"
LAST_MODIFIED = "Wed, 01 Nov 2023 10:00:00 GMT"


def rss(items: str, title: str = "Crafted feed") -> bytes:
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
            f"<title>{title}</title><link>http://127.0.0.1/</link>{items}</channel></rss>"
            ).encode()


HOSTILE = rss(
    "<item><title>Evil \x1b]0;pwned\x07 title [bold]x[/bold] &lt;b&gt;b&lt;/b&gt;</title>"
    "<guid>../../../../etc/passwd</guid><link>file:///etc/passwd</link>"
    "<description>&lt;p&gt;Body with \x1b[31mred\x1b[0m and &amp;#27;[2J&lt;/p&gt;"
    "&lt;script&gt;alert(1)&lt;/script&gt;</description></item>"
    "<item><title>../../outside</title><link>javascript:alert(1)</link>"
    "<description>two</description></item>", title="Hostile \x1b[2J feed")
LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
          + b"".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i else "&lol;" * 10}">'
                     .encode() for i in range(1, 10))
          + b']>\n<rss version="2.0"><channel><title>Laughs</title><item><title>&lol9;</title>'
          b"<guid>laugh</guid><description>x</description></item></channel></rss>")
XXE = (b'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
       b'<rss version="2.0"><channel><title>XXE</title><item><title>t &xxe;</title>'
       b"<guid>xxe</guid><description>&xxe;</description></item></channel></rss>")
ARTICLE_PAGE = ("<html><head><title>Full story</title><script>var x=1;</script></head><body>"
                "<nav>Home | World | Sport</nav><article><h1>The full story</h1>"
                + "".join(f"<p>Paragraph {i} of the full story tells what happened in the "
                          f"town hall meeting on Tuesday evening, in some detail.</p>"
                          for i in range(12))
                + "</article><footer>Copyright</footer></body></html>").encode()


class FeedServer:
    """Serves on 127.0.0.1 at a free port; ``url(path)`` gives addresses."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.versions: dict[str, bytes] = {}  # path -> body served instead (an update)
        self.stop = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                server.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    server.answer(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={
            "poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def close(self) -> None:
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def headers_of(self, path: str) -> list[dict[str, str]]:
        return [h for p, h in self.requests if p == path]

    # -- answers ---------------------------------------------------------------------------
    def _send(self, h: BaseHTTPRequestHandler, status: int, body: bytes,
              headers: dict[str, str] | None = None) -> None:
        h.send_response(status)
        for key, value in (headers or {}).items():
            h.send_header(key, value)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    def answer(self, h: BaseHTTPRequestHandler) -> None:  # noqa: C901 — one branch a path
        path = h.path.split("?")[0]
        if path in self.versions:
            body = self.versions[path]
            self._conditional(h, body, "application/rss+xml")
        elif path.startswith("/feeds/"):
            file = FEEDS / path.removeprefix("/feeds/").split("?")[0]
            if not file.is_file() or file.parent != FEEDS:
                self._send(h, 404, b"not found")
                return
            kind = "application/feed+json" if file.suffix == ".json" else "application/xml"
            self._conditional(h, file.read_bytes(), kind)
        elif path == "/slow":
            self.stop.wait(10)  # longer than any test's deadline; ends with the test
            self._send(h, 200, rss(""))
        elif path == "/500":
            self._send(h, 500, b"oops")
        elif path == "/429":
            self._send(h, 429, b"slow down", {"Retry-After": "120"})
        elif path == "/moved":
            self._send(h, 301, b"", {"Location": self.url("/feeds/json_feed.json")})
        elif path == "/found":
            self._send(h, 302, b"", {"Location": self.url("/feeds/SamRuby.xml")})
        elif path == "/to-file":
            self._send(h, 302, b"", {"Location": "file:///etc/passwd"})
        elif path == "/gzip":
            body = gzip.compress((FEEDS / "TechCrunch.xml").read_bytes())
            self._send(h, 200, body, {"Content-Encoding": "gzip",
                                      "Content-Type": "application/rss+xml"})
        elif path == "/endless":
            self._endless(h)
        elif path == "/html":
            self._send(h, 200, b"<!DOCTYPE html><html><body><p>Not a feed</p></body></html>",
                       {"Content-Type": "text/html"})
        elif path == "/broken":
            self._send(h, 200, b"<rss><channel><title>Broken", {"Content-Type": "text/xml"})
        elif path == "/hostile":
            self._send(h, 200, HOSTILE, {"Content-Type": "application/rss+xml"})
        elif path == "/laughs":
            self._send(h, 200, LAUGHS, {"Content-Type": "application/rss+xml"})
        elif path == "/xxe":
            self._send(h, 200, XXE, {"Content-Type": "application/rss+xml"})
        elif path == "/summaries":
            items = "".join(f"<item><title>Story {i}</title><guid>s{i}</guid>"
                            f"<link>{self.url(f'/page/{i}')}</link>"
                            f"<description>Only a summary {i}.</description></item>"
                            for i in range(3))
            items += ("<item><title>Local file</title><guid>local</guid>"
                      "<link>file:///etc/passwd</link><description>summary</description></item>")
            self._send(h, 200, rss(items, "Summaries"), {"Content-Type": "application/rss+xml"})
        elif path.startswith("/page/"):
            self._send(h, 200, ARTICLE_PAGE, {"Content-Type": "text/html; charset=utf-8"})
        else:
            self._send(h, 404, b"not found")

    def _conditional(self, h: BaseHTTPRequestHandler, body: bytes, kind: str) -> None:
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        if h.headers.get("If-None-Match") == etag:
            h.send_response(304)
            h.send_header("ETag", etag)
            h.send_header("Content-Length", "0")
            h.end_headers()
            return
        self._send(h, 200, body, {"Content-Type": kind, "ETag": etag,
                                  "Last-Modified": LAST_MODIFIED})

    def _endless(self, h: BaseHTTPRequestHandler) -> None:
        """A body that never ends (until the client hangs up, or 64 MB, or the test ends)."""
        h.send_response(200)
        h.send_header("Content-Type", "application/rss+xml")
        h.end_headers()
        chunk = b"<!-- " + b"x" * 65_536 + b" -->"
        h.wfile.write(b'<?xml version="1.0"?><rss version="2.0"><channel>')
        for _ in range(1024):
            if self.stop.is_set():
                return
            h.wfile.write(chunk)
            time.sleep(0)
