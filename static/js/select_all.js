/* "Select all on this page" for batch forms: a checkbox with data-select-all="NAME" ticks every
   checkbox named NAME in its form, and shows a mixed state when only some are ticked. */
(function () {
  "use strict";
  document.querySelectorAll("[data-select-all]").forEach(function (master) {
    var form = master.form || master.closest("form");
    if (!form) return;
    var name = master.getAttribute("data-select-all");
    function boxes() {
      return Array.prototype.filter.call(form.elements, function (el) {
        return el.type === "checkbox" && el.name === name;
      });
    }
    function sync() {
      var all = boxes();
      var ticked = all.filter(function (el) { return el.checked; }).length;
      master.checked = all.length > 0 && ticked === all.length;
      master.indeterminate = ticked > 0 && ticked < all.length;
    }
    master.addEventListener("change", function () {
      boxes().forEach(function (el) { el.checked = master.checked; });
      master.indeterminate = false;
    });
    form.addEventListener("change", function (event) {
      if (event.target !== master && event.target.name === name) sync();
    });
    sync();
  });
})();
