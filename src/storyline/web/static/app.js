// storyline: small conveniences only; every page works without this file.
(function () {
  "use strict";
  // Version pickers: keep "from" older than "to" so a click always gives a sensible diff.
  document.querySelectorAll("form.pick-versions").forEach(function (form) {
    form.addEventListener("change", function (event) {
      var target = event.target;
      if (target.name !== "a" && target.name !== "b") { return; }
      var a = form.querySelector("input[name=a]:checked");
      var b = form.querySelector("input[name=b]:checked");
      if (a && b && Number(a.value) === Number(b.value)) {
        var other = target.name === "a" ? "b" : "a";
        var next = form.querySelector("input[name=" + other + "][value='" +
          (Number(target.value) + (other === "b" ? 1 : -1)) + "']");
        if (next) { next.checked = true; }
      }
    });
  });
  // The age beside a recent time ("· 12 min ago") refreshes once a minute on pages left
  // open, and goes away after the few days storyline.times shows it for (3).
  var RELATIVE_DAYS = 3;
  function ago(seconds) {
    if (seconds < 60) { return "just now"; }
    if (seconds < 3600) { return Math.floor(seconds / 60) + " min ago"; }
    if (seconds < 86400) { return Math.floor(seconds / 3600) + " h ago"; }
    return Math.floor(seconds / 86400) + " d ago";
  }
  function refresh() {
    var now = Date.now();
    document.querySelectorAll("[data-ago]").forEach(function (el) {
      var then = Date.parse(el.getAttribute("data-ago"));
      if (isNaN(then)) { return; }
      var s = Math.max(0, Math.round((now - then) / 1000));
      if (s >= RELATIVE_DAYS * 86400) { el.remove(); return; }
      el.textContent = "· " + ago(s);
    });
  }
  setInterval(refresh, 60000);
})();
