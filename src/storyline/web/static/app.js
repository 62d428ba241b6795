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
  // Relative times refresh once a minute on long-open pages.
  function refresh() {
    var now = Date.now();
    document.querySelectorAll("time[data-relative]").forEach(function (el) {
      var then = Date.parse(el.getAttribute("datetime"));
      if (isNaN(then)) { return; }
      var s = Math.max(0, Math.round((now - then) / 1000));
      var text = s < 60 ? "just now" : s < 3600 ? Math.floor(s / 60) + " min ago" :
        s < 86400 ? Math.floor(s / 3600) + " h ago" : Math.floor(s / 86400) + " d ago";
      el.textContent = text;
    });
  }
  setInterval(refresh, 60000);
})();
