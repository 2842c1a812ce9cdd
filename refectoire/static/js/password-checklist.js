// The live checklist of the guide under a new password: "8 caractères, une minuscule, une majuscule, un chiffre".
(function () {
  "use strict";
  var rules = {
    length: function (v) { return v.length >= 8; },
    lower: function (v) { return /[a-zà-ÿ]/.test(v); },
    upper: function (v) { return /[A-ZÀ-Þ]/.test(v); },
    digit: function (v) { return /[0-9]/.test(v); }
  };
  document.querySelectorAll("[data-password-checklist]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("data-password-checklist"));
    if (!list) { return; }
    list.hidden = false;
    var status = list.querySelector("[data-status]");
    // The words come from the template (data-text-*), translated in the page's language.
    var text = function (name, fallback) { return list.getAttribute("data-text-" + name) || fallback; };
    var update = function () {
      var allValid = true;
      list.querySelectorAll("[data-rule]").forEach(function (item) {
        var valid = rules[item.getAttribute("data-rule")](input.value);
        item.classList.toggle("is-valid", valid);
        item.querySelector(".fr-sr-only").textContent = valid ? text("met", " : respecté") : text("missing", " : manquant");
        allValid = allValid && valid;
      });
      if (status) { status.textContent = input.value ? (allValid ? text("correct", "Correct") : text("incomplete", "Incomplet")) : ""; }
    };
    input.addEventListener("input", update);
    update();
  });
})();
