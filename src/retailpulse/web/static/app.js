// retailpulse front-end: charts, keyboard shortcuts, small helpers. No inline scripts (CSP).
(function () {
  "use strict";

  function renderCharts(root) {
    if (typeof vegaEmbed !== "function") return;
    root.querySelectorAll(".chart[data-spec]").forEach(function (el) {
      if (el.dataset.done) return;
      var script = document.getElementById(el.dataset.spec);
      if (!script) return;
      el.dataset.done = "1";
      vegaEmbed(el, JSON.parse(script.textContent), { actions: false, renderer: "svg" })
        .catch(function (err) { el.textContent = "Chart failed: " + err; });
    });
  }

  function currentRows() { return Array.prototype.slice.call(document.querySelectorAll(".conv[data-href]")); }
  var focusIndex = -1;
  function focusRow(i) {
    var rows = currentRows();
    if (!rows.length) return;
    focusIndex = Math.max(0, Math.min(rows.length - 1, i));
    rows.forEach(function (r) { r.classList.remove("focus"); });
    rows[focusIndex].classList.add("focus");
    rows[focusIndex].scrollIntoView({ block: "nearest" });
  }

  function postStatus(href, value) {
    var csrf = document.body.getAttribute("hx-headers");
    var token = csrf ? JSON.parse(csrf)["X-CSRF-Token"] : "";
    var form = document.createElement("form");
    form.method = "post";
    form.action = href + "/status";
    [["csrf_token", token], ["value", value]].forEach(function (kv) {
      var input = document.createElement("input");
      input.type = "hidden"; input.name = kv[0]; input.value = kv[1];
      form.appendChild(input);
    });
    document.body.appendChild(form);
    form.submit();
  }

  document.addEventListener("keydown", function (ev) {
    var tag = (ev.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select" || ev.metaKey || ev.ctrlKey || ev.altKey) return;
    var rows = currentRows();
    if (ev.key === "j") { focusRow(focusIndex + 1); }
    else if (ev.key === "k") { focusRow(focusIndex - 1); }
    else if ((ev.key === "o" || ev.key === "Enter") && rows[focusIndex]) { window.location = rows[focusIndex].dataset.href; }
    else if (ev.key === "e" && rows[focusIndex]) { postStatus(rows[focusIndex].dataset.href, "resolved"); }
    else if (ev.key === "e" && document.getElementById("resolve")) { document.getElementById("resolve").click(); }
    else if (ev.key === "r" && document.getElementById("reply-text")) { ev.preventDefault(); document.getElementById("reply-text").focus(); }
    else if (ev.key === "/" && document.querySelector("input[type=search]")) { ev.preventDefault(); document.querySelector("input[type=search]").focus(); }
  });

  document.addEventListener("click", function (ev) {
    var sug = ev.target.closest ? ev.target.closest(".suggestion") : null;
    if (sug) {
      var box = document.getElementById(sug.dataset.fill);
      if (box) { box.value = sug.dataset.text; box.focus(); }
      var tpl = document.getElementById("reply-template");
      if (tpl) tpl.value = sug.dataset.template || "";
      return;
    }
    var all = ev.target.closest ? ev.target.closest("[data-select-all]") : null;
    if (all) {
      document.querySelectorAll("input[name='" + all.dataset.selectAll + "']").forEach(function (b) { b.checked = all.checked; });
      return;
    }
    var toggle = ev.target.closest ? ev.target.closest("[data-toggle]") : null;
    if (toggle) { document.getElementById(toggle.dataset.toggle).classList.toggle("open"); }
  });

  document.addEventListener("DOMContentLoaded", function () { renderCharts(document); });
  document.addEventListener("htmx:afterSwap", function (ev) { renderCharts(ev.target); });
})();
