// "Indiquez les jours de présence de votre enfant": only the days the chosen school serves.
// A <select data-school-weekdays="NAME"> whose options carry data-weekdays="1245" drives the
// checkboxes named NAME of the same form: a day the school does not serve is unticked and
// disabled, and the status line says which days are served. Without JavaScript every day stays
// offered and the server refuses a day the school does not serve, next to the field.
(function () {
  "use strict";
  document.querySelectorAll("select[data-school-weekdays]").forEach(function (select) {
    var form = select.form;
    if (!form) { return; }
    var name = select.getAttribute("data-school-weekdays");
    var boxes = Array.prototype.filter.call(form.elements, function (element) {
      return element.type === "checkbox" && element.name === name;
    });
    var status = form.querySelector("[data-school-weekdays-status]");
    var labelOf = function (box) {
      var label = form.querySelector('label[for="' + box.id + '"]');
      return label ? label.textContent.trim().toLowerCase() : box.value;
    };
    // keepTicked: on page load, a day the parent ticked stays ticked (and the server's message
    // next to the field says why it is refused); choosing another school unticks what it does not serve.
    var update = function (keepTicked) {
      var option = select.options[select.selectedIndex];
      var served = option && option.hasAttribute("data-weekdays") ? option.getAttribute("data-weekdays") : null;
      var names = [];
      boxes.forEach(function (box) {
        var isServed = served === null || served.indexOf(box.value) !== -1;
        if (!isServed && !keepTicked) { box.checked = false; }
        box.disabled = !isServed && !box.checked;
        box.closest(".fr-fieldset__element").classList.toggle("refectoire-day-not-served", !isServed);
        if (isServed) { names.push(labelOf(box)); }
      });
      if (status) {
        if (served === null) {
          status.hidden = true;
          status.textContent = "";
        } else {
          status.hidden = false;
          status.textContent = status.getAttribute("data-message")
            .replace("%(school)s", option.textContent.trim())
            .replace("%(days)s", names.join(", "));
        }
      }
    };
    select.addEventListener("change", function () { update(false); });
    boxes.forEach(function (box) {
      box.addEventListener("change", function () { update(true); });
    });
    update(true);
  });
})();
