// A progress that a screen reader hears (issue 19): the billing run's computation, the data export.
//
// Markup (templates/includes/live_progress.html):
//   <div data-live-progress="URL of the fragment">
//     <div data-progress-content data-percent="40" data-announce="Calcul : 40 %">…visible bar…</div>
//     <p class="fr-sr-only" role="status" aria-live="polite" data-progress-announce></p>
//   </div>
// Every `data-interval` ms (2000 by default) the fragment is fetched again and replaces the content;
// the live region, present from the start, is only rewritten at each tenth of the way and at the end
// (`data-done` on the new content), so the person hears "40 %", "50 %"… and "terminé", not a
// chatter every two seconds. Without JavaScript the page refreshes itself (<noscript> meta refresh).
(function () {
  "use strict";
  document.querySelectorAll("[data-live-progress]").forEach(function (box) {
    var url = box.getAttribute("data-live-progress");
    var interval = parseInt(box.getAttribute("data-interval") || "2000", 10);
    var region = box.querySelector("[data-progress-announce]");
    var lastStep = null;
    var announce = function (content) {
      var percent = parseInt(content.getAttribute("data-percent") || "0", 10);
      var done = content.hasAttribute("data-done");
      var step = done ? "done" : Math.floor(percent / 10);
      if (step !== lastStep && region) {
        region.textContent = content.getAttribute("data-announce") || "";
        lastStep = step;
      }
      return done;
    };
    var poll = function () {
      fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
        .then(function (html) {
          var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-progress-content]");
          var current = box.querySelector("[data-progress-content]");
          if (!fresh || !current) { return; }
          current.replaceWith(document.importNode(fresh, true));
          if (!announce(fresh)) { window.setTimeout(poll, interval); }
        })
        .catch(function () { window.setTimeout(poll, interval * 2); });
    };
    var first = box.querySelector("[data-progress-content]");
    if (first) { lastStep = first.hasAttribute("data-done") ? "done" : Math.floor(parseInt(first.getAttribute("data-percent") || "0", 10) / 10); }
    if (!first || !first.hasAttribute("data-done")) { window.setTimeout(poll, interval); }
  });
})();
