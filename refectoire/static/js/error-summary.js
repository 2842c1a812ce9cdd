// After a failed submit, the error summary takes the focus: a keyboard or screen reader user starts
// from it (RGAA 11.10), instead of from the top of the page.
(function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
    // A form posted from a page reached by the skip link keeps "#content" in its URL: the browser
    // then moves the focus to <main> once the page has loaded. Take it back to the summary.
    window.addEventListener("load", function () {
      if (document.activeElement !== summary) {
        summary.focus();
      }
    });
  }
})();
