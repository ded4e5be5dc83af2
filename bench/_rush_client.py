"""A minimal HTTP client for the rush benchmark (standard library only): cookies, CSRF and timings.

One ``Client`` per thread, over one ``http.client.HTTPConnection`` to 127.0.0.1 (reconnected when the
server closes it, as gunicorn's sync workers do after each response).
"""

import http.client
import re
import threading
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode

VERSION_RE = re.compile(r'name="version" value="(\d+)"')


class Recorder:
    """Thread-safe samples ``(kind, status, seconds, finished_at)``; errors are status 0."""

    def __init__(self):
        self._lock = threading.Lock()
        self.samples = []

    def add(self, kind, status, seconds):
        with self._lock:
            self.samples.append((kind, status, seconds, time.perf_counter()))


class Client:
    def __init__(self, port, recorder, timeout=30.0):
        self.port = port
        self.recorder = recorder
        self.timeout = timeout
        self.cookies = {}
        self.conn = None

    def _connection(self):
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        return self.conn

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(self, kind, method, path, form=None, headers=None, started=None):
        """Send one request; return ``(status, body_text, location)``; record its latency under ``kind``.

        ``started`` (a ``time.perf_counter()`` value): count the latency from then instead of from the
        send, e.g. from an open loop's scheduled arrival, so that waiting for a free client counts too.
        """
        body = urlencode(form, doseq=True).encode() if form is not None else None
        head = {"Host": "127.0.0.1"}
        if self.cookies:
            head["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            head["Content-Type"] = "application/x-www-form-urlencoded"
            head["X-CSRFToken"] = self.cookies.get("csrftoken", "")
            head["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        head.update(headers or {})
        started = time.perf_counter() if started is None else started
        try:
            conn = self._connection()
            conn.request(method, path, body=body, headers=head)
            response = conn.getresponse()
            data = response.read()
            status = response.status
            if response.getheader("Connection", "").lower() == "close":
                self.close()
        except (OSError, http.client.HTTPException):
            self.close()
            self.recorder.add(kind, 0, time.perf_counter() - started)
            return 0, "", ""
        self.recorder.add(kind, status, time.perf_counter() - started)
        for header in response.msg.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
        return status, data.decode("utf-8", "replace"), response.getheader("Location", "")

    def login(self, username, password):
        self.cookies = {}
        self.request("login", "GET", "/accounts/login/")
        status, _body, _location = self.request(
            "login",
            "POST",
            "/accounts/login/",
            {"username": username, "password": password, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")},
        )
        return status == 302 and "sessionid" in self.cookies


def percentile(values, fraction):
    """The nearest-rank percentile of ``values`` (seconds), or 0 without values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]
