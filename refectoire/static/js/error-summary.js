// After a failed submit, the error summary takes the focus: a keyboard or screen reader user starts
// from it (RGAA 11.10), instead of from the top of the page.
(function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
})();
