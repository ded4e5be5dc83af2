/* Demo log-in hint: clicking a demo username fills the log-in form (only shown with the demo clock). */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-demo-username]");
    if (!button) return;
    var username = document.querySelector("input[name=username]");
    var password = document.querySelector("input[name=password]");
    if (username) username.value = button.getAttribute("data-demo-username");
    if (password) password.value = button.getAttribute("data-demo-password") || "";
    if (password) password.focus();
  });
})();
