// A table wider than the screen scrolls inside its container (on a phone, at 400 % zoom): the
// container then takes the keyboard focus, so that the arrow keys scroll it, and is named after
// the table's caption (RGAA 7.3, axe-core's "scrollable-region-focusable"). A container that
// holds a link or a button is reachable already and is left as it is. Without JavaScript the
// table still scrolls with a finger or a mouse.
(function () {
  "use strict";
  var FOCUSABLE = "a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), " +
    "select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])";
  var update = function () {
    document.querySelectorAll(".fr-table__container, .fr-table > table").forEach(function (region) {
      var scrolls = region.scrollWidth > region.clientWidth || region.scrollHeight > region.clientHeight;
      var ours = region.hasAttribute("data-scroll-region");
      if (scrolls && !ours && !region.hasAttribute("tabindex") && !region.querySelector(FOCUSABLE)) {
        region.setAttribute("tabindex", "0");
        region.setAttribute("data-scroll-region", "");
        var caption = region.querySelector("caption");
        if (region.tagName !== "TABLE") {
          region.setAttribute("role", "region");
          if (caption) { region.setAttribute("aria-label", caption.textContent.trim()); }
        }
      } else if (!scrolls && ours) {
        ["tabindex", "data-scroll-region", "role", "aria-label"].forEach(function (name) {
          region.removeAttribute(name);
        });
      }
    });
  };
  update();
  window.addEventListener("load", update);  // the fonts and images change the widths
  if (document.fonts) { document.fonts.ready.then(update); }
  window.addEventListener("resize", update);
  document.addEventListener("htmx:afterSwap", update);
})();
