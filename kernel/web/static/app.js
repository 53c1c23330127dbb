/* Suanpan shell behaviour (no inline scripts: the Content-Security-Policy forbids them). */
(function () {
  "use strict";

  function messages() {
    return document.getElementById("sp-messages");
  }

  /* Forms with data-sp-confirm ask before submitting (e.g. revoking an API key). */
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.spConfirm) {
      if (!window.confirm(form.dataset.spConfirm)) {
        event.preventDefault();
      }
    }
  }, true);

  /* Buttons with data-sp-copy="#selector" copy that field's value. */
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-sp-copy]") : null;
    if (!button) return;
    var field = document.querySelector(button.getAttribute("data-sp-copy"));
    if (!field) return;
    field.select();
    if (navigator.clipboard) {
      navigator.clipboard.writeText(field.value).catch(function () { document.execCommand("copy"); });
    } else {
      document.execCommand("copy");
    }
  });

  /* htmx: error answers (4xx/5xx) carry a message fragment; show it in the messages area
     unless the target asked for the error to be swapped in place (hx-target-error). */
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (!xhr || xhr.status < 400 || event.detail.shouldSwap) return;
    var box = messages();
    var body = xhr.responseText || "";
    if (box && body.indexOf("sp-error") !== -1) {
      box.insertAdjacentHTML("afterbegin", body);
    }
  });

  document.addEventListener("htmx:sendError", function () {
    var box = messages();
    if (box) {
      var text = document.documentElement.lang === "zh-CN"
        ? "无法连接服务器，请检查网络后重试。"
        : "The server could not be reached. Check your connection and try again.";
      var div = document.createElement("div");
      div.className = "alert alert-danger py-2 sp-error";
      div.setAttribute("role", "alert");
      div.textContent = text;
      box.prepend(div);
    }
  });
})();
