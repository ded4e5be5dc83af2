// The statistics page's charts (ECharts, served from /static/vendor/echarts/): each element with
// data-chart names its data in the JSON block #stats-data, data-kind its form. No inline script (CSP).
(function () {
  "use strict";
  var source = document.getElementById("stats-data");
  if (!source || typeof echarts === "undefined") return;
  var data = JSON.parse(source.textContent);
  var axisLabel = { interval: 0, rotate: 30, fontSize: 11 };

  function option(kind, d) {
    if (kind === "bar") {
      return { tooltip: {}, grid: { bottom: 90, left: 50, right: 10 }, xAxis: { type: "category", data: d.labels, axisLabel: axisLabel }, yAxis: { type: "value", minInterval: 1 }, series: [{ type: "bar", data: d.values, label: { show: true, position: "top" } }] };
    }
    if (kind === "hbar") {
      return { tooltip: {}, grid: { left: 180, right: 30 }, yAxis: { type: "category", data: d.labels.slice().reverse(), axisLabel: { width: 170, overflow: "truncate" } }, xAxis: { type: "value", minInterval: 1 }, series: [{ type: "bar", data: d.values.slice().reverse(), label: { show: true, position: "right" } }] };
    }
    if (kind === "group") {
      return { tooltip: { trigger: "axis" }, legend: { top: 0 }, grid: { top: 40, bottom: 90, left: 50, right: 10 }, xAxis: { type: "category", data: d.labels, axisLabel: axisLabel }, yAxis: { type: "value", minInterval: 1 }, series: d.series.map(function (s) { return { type: "bar", name: s.name, data: s.values }; }) };
    }
    if (kind === "box") {
      return { tooltip: { trigger: "item" }, grid: { bottom: 110, left: 50, right: 10 }, xAxis: { type: "category", data: d.labels, axisLabel: axisLabel }, yAxis: { type: "value", min: 0, max: 100 }, series: [{ type: "boxplot", name: "加权总分", data: d.boxes }] };
    }
    return null;
  }

  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (element) {
    var d = data[element.getAttribute("data-chart")];
    var o = d && option(element.getAttribute("data-kind"), d);
    if (!o) return;
    var chart = echarts.init(element, null, { renderer: "svg" });
    chart.setOption(o);
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
