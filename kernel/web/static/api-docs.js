/* /api/docs: the filter box narrows the operations and schemas as you type. */
(function () {
  "use strict";
  document.addEventListener("input", function (ev) {
    var box = ev.target;
    if (!(box.matches && box.matches("[data-sp-api-filter]"))) { return; }
    var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
    document.querySelectorAll("[data-sp-api-op]").forEach(function (op) {
      var text = op.dataset.text || "";
      op.hidden = !words.every(function (w) { return text.indexOf(w) !== -1; });
    });
    document.querySelectorAll("[data-sp-api-tag]").forEach(function (section) {
      section.hidden = !section.querySelector("[data-sp-api-op]:not([hidden])");
    });
  });
})();
