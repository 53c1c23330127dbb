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

  /* "?" (outside a text field) lists the keyboard shortcuts (#sp-shortcuts in the layout). */
  document.addEventListener("keydown", function (event) {
    if (event.key !== "?" || event.ctrlKey || event.metaKey || event.altKey) return;
    var el = document.activeElement;
    if (el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName))) return;
    var box = document.getElementById("sp-shortcuts");
    if (box && window.bootstrap) {
      event.preventDefault();
      window.bootstrap.Modal.getOrCreateInstance(box).show();
    }
  });

  /* Alt+letter or digit presses the visible element with that accesskey (Save, Discard,
     New, Next…). Done here rather than left to the browser: each browser picks its own
     modifier, and the physical key (event.code) still works with a Chinese input method. */
  document.addEventListener("keydown", function (event) {
    if (!event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    var key = (event.code || "").replace(/^(Key|Digit)/, "").toLowerCase();
    if (!/^[a-z0-9]$/.test(key)) return;
    var found = Array.prototype.filter.call(
      document.querySelectorAll('[accesskey="' + key + '"]'),
      function (el) { return !el.disabled && !el.classList.contains("disabled") && el.getClientRects().length > 0; }
    );
    if (!found.length) return;
    event.preventDefault();
    found[0].click();
  });

  /* Toasts: a success or an information leaves after a while (not while pointed at). */
  var TOAST_MS = 8000;
  function autoHide() {
    document.querySelectorAll("#sp-messages .alert-success, #sp-messages .alert-info").forEach(function (alert) {
      if (alert.dataset.spTimer) return;
      alert.dataset.spTimer = "1";
      var close = function () {
        if (alert.matches(":hover")) { window.setTimeout(close, 2000); return; }
        if (window.bootstrap) { window.bootstrap.Alert.getOrCreateInstance(alert).close(); } else { alert.remove(); }
      };
      window.setTimeout(close, TOAST_MS);
    });
  }
  document.addEventListener("DOMContentLoaded", autoHide);
  document.addEventListener("htmx:afterSettle", autoHide);

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
