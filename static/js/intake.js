/* Entry pages of the 科创中国 platform: 字 counters, confirmations, repeating groups, and an autosave
   that survives a dropped connection (a copy in localStorage, retried, offered back on the next load).
   The 字 count must match nominations/rules/text.py: code points other than whitespace. */
(function () {
  "use strict";

  var WHITESPACE = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/;
  var RETRY_MS = 10000;

  function countChars(text) {
    var n = 0;
    for (var ch of text || "") { if (!WHITESPACE.test(ch)) n += 1; }
    return n;
  }
  window.kczgCountChars = countChars;

  /* ---- 字 counters ---- */
  function updateCounter(area) {
    var out = document.querySelector('.char-counter[data-counter-for="' + area.id + '"]');
    if (!out) return;
    var limit = parseInt(area.dataset.maxChars || "0", 10);
    var n = countChars(area.value);
    out.textContent = limit ? "已输入 " + n + " / " + limit + " 字" : "已输入 " + n + " 字";
    out.classList.toggle("text-danger", limit > 0 && n > limit);
    out.classList.toggle("fw-semibold", limit > 0 && n > limit);
  }
  function initCounters(root) {
    root.querySelectorAll("textarea[data-counter]").forEach(function (area) {
      updateCounter(area);
      area.addEventListener("input", function () { updateCounter(area); });
    });
  }

  /* ---- confirmations: data-confirm on a form or on the button that submits it ---- */
  document.addEventListener("submit", function (event) {
    if (event.target.dataset.skipConfirm === "1") { delete event.target.dataset.skipConfirm; return; }
    var submitter = event.submitter;
    var message = (submitter && submitter.dataset.confirm) || event.target.dataset.confirm;
    if (message && !window.confirm(message)) event.preventDefault();
  }, true);

  /* ---- repeating groups (e.g. 代表性技术转移案例) ---- */
  function initRepeats(root) {
    root.querySelectorAll(".repeat-group").forEach(function (group) {
      var items = Array.prototype.slice.call(group.querySelectorAll(".repeat-item"));
      var add = group.querySelector(".repeat-add");
      function refresh() {
        var hidden = items.filter(function (item) { return item.classList.contains("d-none"); });
        if (add) add.classList.toggle("d-none", hidden.length === 0);
      }
      items.forEach(function (item) {
        if (item.dataset.filled === "0" && !item.querySelector(".is-invalid")) item.classList.add("d-none");
        var remove = item.querySelector(".repeat-remove");
        if (remove) remove.addEventListener("click", function () {
          item.querySelectorAll("input, textarea, select").forEach(function (input) {
            input.value = "";
            input.dispatchEvent(new Event("input", { bubbles: true }));
          });
          item.classList.add("d-none");
          refresh();
        });
      });
      if (add) add.addEventListener("click", function () {
        var next = items.find(function (item) { return item.classList.contains("d-none"); });
        if (next) { next.classList.remove("d-none"); var first = next.querySelector("input, textarea, select"); if (first) first.focus(); }
        refresh();
      });
      refresh();
    });
  }

  /* ---- autosave with a local copy ---- */
  function initAutosave(form) {
    if (!form || form.dataset.editable !== "1") return;
    var key = "kczg-entry-" + form.dataset.entry;
    var status = document.getElementById("autosave-status");
    var inFlight = false;
    var submitting = false;
    var pendingSubmitter = null;
    var deferred = false;
    var dirtySince = 0;
    var sentAt = 0;
    var retryTimer = null;

    function versionNow() {
      var input = document.getElementById("entry-version");
      return input ? parseInt(input.value || "0", 10) : 0;
    }
    function snapshotFields() {
      var fields = [];
      new FormData(form).forEach(function (value, name) {
        if (name === "csrfmiddlewaretoken" || name === "version" || typeof value !== "string") return;
        fields.push([name, value]);
      });
      return fields;
    }
    function store() {
      try {
        localStorage.setItem(key, JSON.stringify({ base: versionNow(), fields: snapshotFields(), at: Date.now() }));
      } catch (e) { /* storage full or disabled: nothing else to do */ }
    }
    function forget() { try { localStorage.removeItem(key); } catch (e) { /* ignore */ } }
    function showStatus(html, cls) {
      if (!status) return;
      status.innerHTML = "";
      var span = document.createElement("span");
      span.className = cls || "text-body-secondary";
      span.textContent = html;
      status.appendChild(span);
    }
    function scheduleRetry() {
      if (retryTimer) return;
      retryTimer = window.setTimeout(function () {
        retryTimer = null;
        if (!submitting) htmx.trigger(form, "kczg:retry");
      }, RETRY_MS);
    }

    var storeTimer = null;
    form.addEventListener("input", function () {
      dirtySince = Date.now();
      window.clearTimeout(storeTimer);
      storeTimer = window.setTimeout(store, 300);
    });

    form.addEventListener("submit", function (event) {
      if (event.defaultPrevented) return;
      if (inFlight) {
        // Wait for the autosave that is on its way, so that this save carries the version it produced.
        event.preventDefault();
        pendingSubmitter = event.submitter || null;
        deferred = true;
        submitting = true;
        return;
      }
      submitting = true;
      store();
    });

    form.addEventListener("htmx:beforeRequest", function (event) {
      if (event.detail.elt !== form) return;
      if (submitting) { event.preventDefault(); return; }
      inFlight = true;
      sentAt = Date.now();
      showStatus("正在保存…");
    });
    // The session expired (a 401 from kczg_site/htmx.py): the copy stays in this browser, the status
    // line links to the log-in page (a new window, back to this page), and the save is retried when the
    // member comes back to this window or types again.
    function showExpired(loginUrl) {
      if (!status) return;
      status.innerHTML = "";
      var span = document.createElement("span");
      span.className = "text-danger autosave-expired";
      span.setAttribute("role", "alert");
      var link = document.createElement("a");
      link.href = loginUrl;
      link.target = "_blank";
      link.rel = "noopener";
      link.className = "alert-link";
      link.textContent = "在新窗口重新登录";
      span.appendChild(document.createTextNode("登录已过期，请"));
      span.appendChild(link);
      span.appendChild(document.createTextNode("，填写内容已保存在本机。"));
      status.appendChild(span);
    }
    var expired = false;
    function retryIfExpired() {
      if (expired && !inFlight && !submitting && document.visibilityState !== "hidden") htmx.trigger(form, "kczg:retry");
    }
    window.addEventListener("focus", retryIfExpired);
    document.addEventListener("visibilitychange", retryIfExpired);

    document.addEventListener("htmx:beforeSwap", function (event) {
      if (event.target !== status || !event.detail.xhr || event.detail.xhr.status !== 401) return;
      event.preventDefault(); // the status line says it in the autosave's own words (showExpired)
    });
    form.addEventListener("htmx:afterRequest", function (event) {
      if (event.detail.elt !== form) return;
      inFlight = false;
      var code = event.detail.xhr ? event.detail.xhr.status : 0;
      expired = code === 401;
      if (expired) {
        store();
        showExpired(event.detail.xhr.getResponseHeader("X-Kczg-Login-Url") || "/accounts/login/");
      } else if (code >= 200 && code < 300) {
        var result = status && status.querySelector(".autosave-result");
        if (result && result.dataset.saved === "1" && dirtySince <= sentAt) forget();
        else store();
      } else if (code >= 400 && code < 500 && status && status.querySelector(".kczg-notice, .autosave-result")) {
        store(); // the server's reason is in the status line (e.g. 413: too large); the copy stays here
      } else {
        store();
        showStatus("网络连接中断，内容已暂存在本机，恢复连接后将自动重试保存。", "text-danger");
        scheduleRetry();
      }
      if (deferred) {
        var button = pendingSubmitter;
        pendingSubmitter = null;
        deferred = false;
        form.dataset.skipConfirm = "1";
        if (form.requestSubmit) form.requestSubmit(button || undefined); else form.submit();
      }
    });
    form.addEventListener("htmx:sendError", function () { store(); scheduleRetry(); });
    window.addEventListener("online", function () { if (!submitting) htmx.trigger(form, "kczg:retry"); });

    // On load: a local copy that is not older than what the server has, and differs from it, is offered back.
    var saved = null;
    try { saved = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { saved = null; }
    if (saved && saved.fields) {
      var current = JSON.stringify(snapshotFields());
      if (saved.base >= versionNow() && JSON.stringify(saved.fields) !== current) {
        var banner = document.getElementById("local-restore");
        if (banner) {
          var when = new Date(saved.at);
          banner.querySelector(".restore-text").textContent =
            "本机保存了一份尚未上传到服务器的较新内容（" + when.toLocaleString("zh-CN") + "），是否恢复？";
          banner.classList.remove("d-none");
          banner.querySelector('[data-restore="apply"]').addEventListener("click", function () {
            var seen = {};
            saved.fields.forEach(function (pair) {
              var el = form.elements[pair[0]];
              if (!el || seen[pair[0]]) return;
              seen[pair[0]] = true;
              el.value = pair[1];
              if (el.tagName === "TEXTAREA") updateCounter(el);
              var item = el.closest && el.closest(".repeat-item");
              if (item && pair[1]) item.classList.remove("d-none");
            });
            banner.classList.add("d-none");
            dirtySince = Date.now();
            htmx.trigger(form, "kczg:retry");
          });
          banner.querySelector('[data-restore="discard"]').addEventListener("click", function () {
            forget();
            banner.classList.add("d-none");
          });
        }
      } else {
        forget();
      }
    }
  }

  function init() {
    initCounters(document);
    initRepeats(document);
    initAutosave(document.getElementById("entry-form"));
    var summary = document.getElementById("error-summary");
    if (summary) summary.focus();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
