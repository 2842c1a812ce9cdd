// « Ressources »: one income section at a time. The radios named income_source choose which
// [data-income-section] block shows; the others are hidden (their values stay in the form, and
// the server only reads the chosen source). Without JavaScript every section stays visible.
(function () {
  "use strict";
  document.querySelectorAll("[data-income-section]").forEach(function (section) {
    var form = section.closest("form");
    if (!form || form.hasAttribute("data-income-ready")) { return; }
    form.setAttribute("data-income-ready", "");
    var radios = Array.prototype.filter.call(form.elements, function (element) {
      return element.name === "income_source" && element.type === "radio";
    });
    if (!radios.length) { return; }
    var sections = form.querySelectorAll("[data-income-section]");
    var update = function () {
      var chosen = radios.filter(function (radio) { return radio.checked; })[0];
      sections.forEach(function (block) {
        block.hidden = !chosen || block.getAttribute("data-income-section") !== chosen.value;
      });
    };
    radios.forEach(function (radio) { radio.addEventListener("change", update); });
    update();
  });
})();
