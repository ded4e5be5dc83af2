/* htmx answers the user can see, for the whole site (loaded by base.html after htmx).

   - htmx does not swap 4xx answers by default; the views' 400/409/413/422 answers carry a fragment
     fit for their target (e.g. the attachments block with the rejection message), so they are swapped
     like a 200.
   - Generic notices (header X-Kczg-Notice: the 401 of an expired session, the 400/413 of a form that
     was too large) go into the request's status line when its target is one (aria-live or
     role=status), otherwise into the site-wide notice at the top of the window (#htmx-notice, base.html).
   - The CSRF token is read from the cookie for every request and form post, so a page keeps working
     after its user logged in again in another window (logging in rotates the token). */
(function () {
  "use strict";

  var SWAPPED = [400, 401, 409, 413, 422];
  var CSRF_COOKIE = "csrftoken"; // Django's default CSRF_COOKIE_NAME; the cookie is readable (not HttpOnly)

  function csrfToken() {
    var parts = document.cookie ? document.cookie.split(";") : [];
    for (var i = 0; i < parts.length; i++) {
      var pair = parts[i].trim();
      if (pair.indexOf(CSRF_COOKIE + "=") === 0) return decodeURIComponent(pair.slice(CSRF_COOKIE.length + 1));
    }
    return "";
  }

  document.addEventListener("htmx:configRequest", function (event) {
    var token = csrfToken();
    if (!token) return;
    event.detail.headers["X-CSRFToken"] = token;
    var params = event.detail.parameters;
    if (params && params.csrfmiddlewaretoken !== undefined) params.csrfmiddlewaretoken = token;
  });

  document.addEventListener("submit", function (event) {
    var token = csrfToken();
    var input = event.target.querySelector && event.target.querySelector("input[name=csrfmiddlewaretoken]");
    if (token && input) input.value = token;
  }, true);

  function isStatusLine(el) {
    return !!el && (el.hasAttribute("aria-live") || el.getAttribute("role") === "status");
  }

  function siteNotice() {
    var box = document.getElementById("htmx-notice");
    if (!box) return null;
    box.classList.remove("d-none");
    return box.querySelector(".htmx-notice-body");
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.defaultPrevented) return;
    var xhr = event.detail.xhr;
    if (!xhr || SWAPPED.indexOf(xhr.status) < 0) return;
    event.detail.shouldSwap = true;
    event.detail.isError = false;
    if (!xhr.getResponseHeader("X-Kczg-Notice")) return;
    if (!isStatusLine(event.detail.target)) {
      var body = siteNotice();
      if (body) event.detail.target = body;
    }
    event.detail.swapOverride = "innerHTML";
  });

  document.addEventListener("click", function (event) {
    var close = event.target.closest && event.target.closest("[data-htmx-notice-close]");
    if (!close) return;
    var box = document.getElementById("htmx-notice");
    if (box) {
      box.classList.add("d-none");
      box.querySelector(".htmx-notice-body").innerHTML = "";
    }
  });
})();
