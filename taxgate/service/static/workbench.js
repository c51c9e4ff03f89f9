// taxgate workbench keys: j next, k previous, a approve, d decline, / the justification.
// Escape leaves the justification so that the keys work again.
(function () {
  "use strict";
  function go(id) {
    var link = document.getElementById(id);
    if (link) { window.location.assign(link.getAttribute("href")); }
  }
  function decide(value) {
    var form = document.getElementById("decide");
    if (!form) { return; }
    var why = document.getElementById("why");
    if (!why.value.trim()) { why.focus(); return; }
    document.getElementById("decision").value = value;
    form.submit();
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-decision]");
    if (button) { document.getElementById("decision").value = button.dataset.decision; }
  });
  document.addEventListener("keydown", function (event) {
    var typing = /^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName);
    if (typing) {
      if (event.key === "Escape") { event.target.blur(); }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var rows = document.querySelectorAll("tr[data-href]");
    if (event.key === "j") { rows.length ? window.location.assign(rows[0].dataset.href) : go("next"); }
    else if (event.key === "k") { go("previous"); }
    else if (event.key === "a") { decide("approve"); }
    else if (event.key === "d") { decide("decline"); }
    else if (event.key === "/") {
      var why = document.getElementById("why");
      if (why) { event.preventDefault(); why.focus(); }
    } else { return; }
  });
})();
