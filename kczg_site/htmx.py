"""Answers the page can show for htmx requests, and a log-in ``next`` that always leads to a page.

* An htmx request from a visitor who is not logged in (the session expired while the member typed)
  gets a 401 with a small Chinese notice and a link that opens the log-in page in a new window, with
  ``next`` = the page the request came from (``HX-Current-URL``), instead of the 302 to the log-in page
  that htmx would follow and swap, whole, into a status line.
* A plain form posted after the session expired is sent to the log-in page with ``next`` = the page
  the form was on (the Referer), not the POST-only URL it was posted to.
* ``safe_next``: the log-in view drops a ``next`` that points to a view that does not answer GET.

Generic notices carry the ``X-Kczg-Notice`` header: static/js/htmx_errors.js swaps them into the
request's status line (a target with ``aria-live``) or into the site-wide notice at the top of the window.
"""

from urllib.parse import parse_qsl, urlencode, urlsplit

from django.conf import settings
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render, resolve_url
from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme

NOTICE_HEADER = "X-Kczg-Notice"
LOGIN_URL_HEADER = "X-Kczg-Login-Url"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def local_path(request: HttpRequest, url: str | None) -> str | None:
    """``url`` as a path on this site (path and query), or None if it is empty or points elsewhere."""
    if not url or not url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    parts = urlsplit(url)
    if not parts.path.startswith("/"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def answers_get(path: str) -> bool:
    """False if the view at ``path`` is wrapped in Django's require_http_methods without GET
    (require_POST): following a ``next`` there after logging in would end on a 405 page."""
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return True  # the 404 page is a page
    func = match.func
    seen = 0
    while func is not None and seen < 20:
        code = getattr(func, "__code__", None)
        if code is not None and "request_method_list" in code.co_freevars and func.__closure__:
            methods = func.__closure__[code.co_freevars.index("request_method_list")].cell_contents
            if "GET" not in methods:
                return False
        func = getattr(func, "__wrapped__", None)
        seen += 1
    return True


def safe_next(request: HttpRequest, url: str | None) -> str | None:
    path = local_path(request, url)
    return path if path and answers_get(path) else None


def login_url(next_path: str | None) -> str:
    url = resolve_url(settings.LOGIN_URL)
    return f"{url}?{urlencode({'next': next_path})}" if next_path else url


def notice(request: HttpRequest, message: str, *, status: int, link: str = "", link_text: str = "", after: str = ""):
    """A one-line Chinese notice for an htmx target (a status line or the site-wide notice)."""
    response = render(
        request,
        "includes/htmx_notice.html",
        {"message": message, "link": link, "link_text": link_text, "after": after},
        status=status,
    )
    response[NOTICE_HEADER] = "1"
    return response


def expired_session(request: HttpRequest) -> HttpResponse:
    next_path = safe_next(request, request.headers.get("HX-Current-URL"))
    url = login_url(next_path)
    response = notice(request, "登录已过期，请", status=401, link=url, link_text="在新窗口重新登录", after="后重试。")
    response[LOGIN_URL_HEADER] = url
    response["Cache-Control"] = "no-store"
    return response


def _redirects_to_login(response: HttpResponse) -> bool:
    if response.status_code not in (301, 302, 303, 307, 308) or not response.has_header("Location"):
        return False
    return urlsplit(response["Location"]).path == resolve_url(settings.LOGIN_URL)


class ExpiredSessionMiddleware:
    """After django-htmx's middleware: rewrites the log-in redirects of login_required for htmx
    requests (401 notice) and for plain POSTs (``next`` = the page the form was on)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not _redirects_to_login(response) or getattr(request, "user", None) is None:
            return response
        if request.user.is_authenticated:
            return response
        if is_htmx(request):
            return expired_session(request)
        if request.method not in SAFE_METHODS:
            location = urlsplit(response["Location"])
            query = [(k, v) for k, v in parse_qsl(location.query) if k != "next"]
            back = safe_next(request, request.headers.get("Referer"))
            if back:
                query.append(("next", back))
            response["Location"] = location.path + (f"?{urlencode(query)}" if query else "")
        return response


class SafeNextLoginView(LoginView):
    """Django's log-in view; a ``next`` that leads to a POST-only view is dropped (the dashboard instead)."""

    def get_redirect_url(self) -> str:
        url = super().get_redirect_url()
        return url if url and answers_get(url) else ""
