/*
 * Live countdowns and the demo clock, on the server's timeline.
 *
 * Each [data-countdown] element carries data-deadline (ISO-8601) and data-now (the server's "now",
 * i.e. the demo clock when it is on). The offset between the server's now and the browser's clock is
 * taken once at load, so the countdown runs on the simulated timeline, not on the browser's date.
 * [data-live-clock] elements show the server's now, advancing with real time.
 */
(function () {
  "use strict";

  function parse(value) {
    var t = Date.parse(value || "");
    return isNaN(t) ? null : t;
  }

  function pad(n) {
    return n < 10 ? "0" + n : String(n);
  }

  // The server's now advances with the browser's clock from the moment an element is first seen
  // (elements swapped in later by htmx bring their own data-now).
  function serverNow(el) {
    var base = parse(el.getAttribute("data-now"));
    if (base === null) return Date.now();
    if (el.kczgSeenAt === undefined || el.kczgBase !== base) {
      el.kczgSeenAt = Date.now();
      el.kczgBase = base;
    }
    return base + (Date.now() - el.kczgSeenAt);
  }

  function setUnit(el, unit, text) {
    var node = el.querySelector('[data-unit="' + unit + '"]');
    if (node && node.textContent !== text) node.textContent = text;
  }

  function renderCountdown(el) {
    var deadline = parse(el.getAttribute("data-deadline"));
    if (deadline === null) return;
    var left = Math.max(0, Math.floor((deadline - serverNow(el)) / 1000));
    var days = Math.floor(left / 86400);
    var hours = Math.floor((left % 86400) / 3600);
    var minutes = Math.floor((left % 3600) / 60);
    var seconds = left % 60;
    setUnit(el, "days", String(days));
    setUnit(el, "hours", pad(hours));
    setUnit(el, "minutes", pad(minutes));
    setUnit(el, "seconds", pad(seconds));
    if (left === 0 && !el.classList.contains("is-done")) {
      el.classList.add("is-done");
      var done = el.querySelector(".countdown-done");
      if (done) done.hidden = false;
    }
  }

  // Beijing time regardless of the browser's zone: shift by +08:00 and read the UTC fields.
  var BEIJING_OFFSET_MS = 8 * 3600 * 1000;

  function renderClock(el) {
    var d = new Date(serverNow(el) + BEIJING_OFFSET_MS);
    var text = d.getUTCFullYear() + "年" + (d.getUTCMonth() + 1) + "月" + d.getUTCDate() + "日 " +
      pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes());
    if (el.textContent !== text) el.textContent = text;
  }

  function tick() {
    var i;
    var countdowns = document.querySelectorAll("[data-countdown]");
    for (i = 0; i < countdowns.length; i++) renderCountdown(countdowns[i]);
    var clocks = document.querySelectorAll("[data-live-clock]");
    for (i = 0; i < clocks.length; i++) renderClock(clocks[i]);
  }

  function start() {
    tick();
    window.setInterval(tick, 1000);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
