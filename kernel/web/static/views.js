/* Generic list and form screens: keyboard shortcuts, pickers, inline lines.
   No inline scripts (the Content-Security-Policy forbids them): everything is wired here. */
(function () {
  "use strict";

  function typing(el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }

  // "/" focuses the list search
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "/" && !typing(document.activeElement) && !ev.ctrlKey && !ev.metaKey && !ev.altKey) {
      var search = document.querySelector("[data-sp-search]");
      if (search) { ev.preventDefault(); search.focus(); search.select(); }
    }
    if (ev.key === "Escape") { closePickers(); }
  });

  // filters and grouping apply at once
  document.addEventListener("change", function (ev) {
    var el = ev.target;
    if (el.matches && el.matches("[data-sp-autosubmit]")) {
      var form = el.form;
      var page = form && form.querySelector("input[name=page]");
      if (page) { page.remove(); }
      if (form) { form.requestSubmit ? form.requestSubmit() : form.submit(); }
    }
  });

  document.addEventListener("click", function (ev) {
    var el = ev.target;
    if (!(el instanceof Element)) { return; }

    var apply = el.closest("[data-sp-columns-apply]");
    if (apply) {
      var box = apply.closest("[data-sp-columns]");
      var names = Array.prototype.map.call(box.querySelectorAll("[data-sp-column]:checked"), function (c) { return c.value; });
      var url = new URL(window.location.href);
      url.searchParams.delete("page");
      if (names.length) { url.searchParams.set("cols", names.join(",")); } else { url.searchParams.delete("cols"); }
      window.location.assign(url.toString());
      return;
    }

    var remove = el.closest("[data-sp-remove-line]");
    if (remove) { var live = liveForm(remove); remove.closest("tr").remove(); preview(live); return; }

    var pick = el.closest("[data-sp-pick]");
    if (pick) { choose(pick); return; }

    var row = el.closest("tr[data-href]");
    if (row && !el.closest("a, button, input, label, select")) {
      if (ev.ctrlKey || ev.metaKey) { window.open(row.dataset.href, "_blank"); } else { window.location.assign(row.dataset.href); }
      return;
    }
    if (!el.closest("[data-sp-picker]")) { closePickers(); }
  });

  // confirmation before destructive posts; clean list addresses (no empty parameters)
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (form.matches && form.matches("[data-sp-list-form]")) {
      Array.prototype.forEach.call(form.elements, function (el) {
        if (el.name && el.value === "" && el.type !== "checkbox") { el.disabled = true; }
      });
    }
    if (form.dataset && form.dataset.spConfirm && !window.confirm(form.dataset.spConfirm)) {
      ev.preventDefault();
    }
  });

  // back/forward cache: fields disabled for a clean address must work again
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("[data-sp-list-form] [disabled]").forEach(function (el) { el.disabled = false; });
  });

  // --- pickers ---------------------------------------------------------------------------
  function closePickers() {
    document.querySelectorAll("[data-sp-picker-results]").forEach(function (r) { r.innerHTML = ""; });
    document.querySelectorAll("[data-sp-picker-text]").forEach(function (t) { t.setAttribute("aria-expanded", "false"); });
  }

  function choose(item) {
    var picker = item.closest("[data-sp-picker]");
    picker.querySelector("[data-sp-picker-value]").value = item.dataset.id;
    var text = picker.querySelector("[data-sp-picker-text]");
    text.value = item.dataset.label;
    if (text.closest("[data-sp-lines]")) { text.title = item.dataset.label; }  // a narrow cell cuts long names
    text.classList.remove("is-invalid");
    picker.dataset.spChosen = item.dataset.label;  // a late answer to earlier typing must not reopen the list
    closePickers();
    text.focus();
    preview(liveForm(picker));
  }

  // a list inside a scrolling table (order lines) would be clipped: float it over the page
  function place(results) {
    if (!results.closest(".table-responsive") || !results.children.length) { return; }
    var text = results.closest("[data-sp-picker]").querySelector("[data-sp-picker-text]");
    var rect = text.getBoundingClientRect();
    results.classList.add("sp-floating");
    results.style.top = rect.bottom + "px";
    results.style.left = rect.left + "px";
    results.style.width = Math.max(rect.width, 256) + "px";
  }

  window.addEventListener("scroll", function () {
    if (document.querySelector(".sp-floating:not(:empty)")) { closePickers(); }
  }, { passive: true });

  document.addEventListener("htmx:beforeSwap", function (ev) {
    var target = ev.detail && ev.detail.target;
    if (!(target && target.matches && target.matches("[data-sp-picker-results]"))) { return; }
    var picker = target.closest("[data-sp-picker]");
    var text = picker.querySelector("[data-sp-picker-text]");
    if (picker.dataset.spChosen !== undefined && picker.dataset.spChosen === text.value) {
      ev.detail.shouldSwap = false;
    }
  });

  document.addEventListener("input", function (ev) {
    var el = ev.target;
    if (el.matches && el.matches("[data-sp-picker-text]")) {
      var picker = el.closest("[data-sp-picker]");
      delete picker.dataset.spChosen;
      if (el.value.trim() === "") { picker.querySelector("[data-sp-picker-value]").value = ""; }
    }
  });

  document.addEventListener("keydown", function (ev) {
    var el = ev.target;
    if (!(el instanceof Element)) { return; }
    var picker = el.closest("[data-sp-picker]");
    if (!picker) { return; }
    var items = Array.prototype.slice.call(picker.querySelectorAll("[data-sp-pick]"));
    if (!items.length) { return; }
    var index = items.indexOf(document.activeElement);
    if (ev.key === "ArrowDown") { ev.preventDefault(); items[Math.min(index + 1, items.length - 1)].focus(); }
    else if (ev.key === "ArrowUp") {
      ev.preventDefault();
      if (index <= 0) { picker.querySelector("[data-sp-picker-text]").focus(); } else { items[index - 1].focus(); }
    } else if (ev.key === "Enter" && index === -1 && el.matches("[data-sp-picker-text]")) {
      ev.preventDefault(); choose(items[0]);
    }
  });

  document.addEventListener("htmx:afterSwap", function (ev) {
    var target = ev.detail && ev.detail.target;
    if (target && target.matches && target.matches("[data-sp-picker-results]")) {
      var text = target.closest("[data-sp-picker]").querySelector("[data-sp-picker-text]");
      text.setAttribute("aria-expanded", target.children.length ? "true" : "false");
      place(target);
    }
    if (target && target.matches && target.matches("tbody")) {
      var last = target.querySelector("tr:last-child input:not([type=hidden]), tr:last-child select");
      if (last) { last.focus(); }
    }
  });

  // --- live forms: the server shows the record as saving would leave it --------------------
  // (form[data-sp-live] posts itself to …/_preview on each change and swaps in the answer)
  function liveForm(el) { return el && el.closest ? el.closest("form[data-sp-live]") : null; }
  function preview(form) { if (form && window.htmx) { window.htmx.trigger(form, "sp-preview"); } }

  // a picker's search text changes while the user looks: only the chosen record counts
  document.addEventListener("change", function (ev) {
    var el = ev.target;
    if (el.matches && el.matches("[data-sp-picker-text]") && liveForm(el)) { ev.stopPropagation(); }
  }, true);

  // The answer patches the form in place, never replacing an input: the user may go on
  // typing, choosing or adding lines while a preview travels. Inputs take the server's
  // greyed suggestions (placeholders) and validity; read-only figures and messages are
  // replaced; rows added since the request are left alone.
  function patchForm(form, fresh) {
    fresh.querySelectorAll("input[id], textarea[id], select[id]").forEach(function (src) {
      var dst = document.getElementById(src.id);
      if (!dst || !form.contains(dst) || dst.tagName !== src.tagName) { return; }
      ["placeholder", "data-sp-filled", "title"].forEach(function (attr) {
        if (src.hasAttribute(attr)) { dst.setAttribute(attr, src.getAttribute(attr)); } else { dst.removeAttribute(attr); }
      });
      dst.classList.toggle("is-invalid", src.classList.contains("is-invalid"));
    });
    fresh.querySelectorAll("[id]:not(input):not(textarea):not(select)").forEach(function (src) {
      if (src.querySelector("input, textarea, select")) { return; }
      var dst = document.getElementById(src.id);
      if (dst && form.contains(dst) && !dst.querySelector("input, textarea, select")) {
        dst.replaceWith(document.importNode(src, true));
      }
    });
    form.querySelectorAll("[data-field-error]").forEach(function (el) { el.remove(); });
    fresh.querySelectorAll("[data-field-error]").forEach(function (src) {
      var input = form.querySelector('[name="' + CSS.escape(src.dataset.fieldError) + '"]');
      if (!input) { return; }
      var anchor = input.closest(".sp-picker, .form-check") || input;
      anchor.after(document.importNode(src, true));
    });
    form.querySelectorAll("[data-sp-maxlength]").forEach(measure);
  }
  document.addEventListener("htmx:afterRequest", function (ev) {
    var form = ev.detail && ev.detail.elt;
    if (!(form && form.matches && form.matches("form[data-sp-live]")) || !ev.detail.successful) { return; }
    var page = new DOMParser().parseFromString(ev.detail.xhr.responseText, "text/html");
    var fresh = page.getElementById("record-form");
    if (fresh) { patchForm(form, fresh); }
  });

  // --- inline lines: each new row gets the next index -------------------------------------
  document.addEventListener("htmx:configRequest", function (ev) {
    var el = ev.detail.elt;
    if (el && el.matches && el.matches("[data-sp-add-line]")) {
      var body = el.closest("[data-sp-lines]").querySelector("[data-sp-line-body]");
      var next = parseInt(body.dataset.nextIndex || "0", 10);
      body.dataset.nextIndex = String(next + 1);
      ev.detail.parameters.index = next;
    }
  });

  // --- length limits: a counter near the limit, a message beyond it (nothing is cut) -------
  function measure(input) {
    var max = parseInt(input.dataset.spMaxlength || "0", 10);
    var note = document.getElementById(input.id + "-length");
    if (!max || !note) { return; }
    var n = input.value.length;
    var over = n > max;
    note.hidden = n < max * 0.8;
    note.classList.toggle("text-danger", over);
    input.classList.toggle("is-invalid", over);
    note.textContent = (over ? note.dataset.spOver : note.dataset.spNear).replace("{n}", String(n));
  }
  document.addEventListener("input", function (ev) {
    var el = ev.target;
    if (el && el.matches && el.matches("[data-sp-maxlength]")) { measure(el); }
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-sp-maxlength]").forEach(measure);
  });

  // --- pager: a form opened from a list steps through that list's records (Alt+N / Alt+P) ---
  document.addEventListener("DOMContentLoaded", function () {
    var rows = document.querySelectorAll("tr.sp-row[data-href]");
    if (rows.length) {
      var hrefs = Array.prototype.map.call(rows, function (r) { return r.dataset.href; });
      try { sessionStorage.setItem("sp-pager:" + window.location.pathname, JSON.stringify(hrefs)); } catch (e) { /* private mode */ }
    }
    var pager = document.querySelector("[data-sp-pager]");
    if (!pager) { return; }
    var list = [];
    try { list = JSON.parse(sessionStorage.getItem("sp-pager:" + pager.dataset.spPager) || "[]"); } catch (e) { list = []; }
    var here = list.indexOf(window.location.pathname);
    if (here < 0 || list.length < 2) { return; }
    var prev = pager.querySelector("[data-sp-prev]");
    var next = pager.querySelector("[data-sp-next]");
    if (here > 0) { prev.href = list[here - 1]; } else { prev.classList.add("disabled"); prev.removeAttribute("accesskey"); }
    if (here < list.length - 1) { next.href = list[here + 1]; } else { next.classList.add("disabled"); next.removeAttribute("accesskey"); }
    pager.querySelector("[data-sp-position]").textContent = (here + 1) + " / " + list.length;
    pager.hidden = false;
  });

  // --- autofocus: the first editable field of a new record, or the first invalid one -------
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("record-form");
    if (!form) { return; }
    var invalid = form.querySelector(".is-invalid");
    if (invalid) { invalid.focus(); return; }
    if (/\/new$/.test(window.location.pathname)) {
      var first = form.querySelector("input:not([type=hidden]):not([disabled]), select, textarea");
      if (first) { first.focus(); }
    }
  });
})();
