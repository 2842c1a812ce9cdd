// « Mes données »: while the worker prepares the family's export, read its state every 3 seconds
// into the live region (role="status"), which screen readers announce. Without JavaScript the page
// says the e-mail will bring the link.
(function () {
  "use strict";
  var region = document.getElementById("export-status");
  if (!region || region.dataset.polling !== "on") {
    return;
  }
  var url = region.dataset.statusUrl;
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        if (html === null) {
          return;
        }
        region.innerHTML = html;
        if (region.querySelector("progress")) {
          window.setTimeout(poll, 3000);
        } else {
          region.dataset.polling = "off";
        }
      });
  }
  window.setTimeout(poll, 1500);
})();
