// Small niceties only: every step works without this file.
(function () {
  "use strict";
  // Move focus to the error summary so screen readers and keyboards start there.
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
  // Show crisis resources the moment PHQ-9 item 9 is answered above "not at all".
  var crisis = document.getElementById("crisis-inline");
  if (crisis) {
    var name = crisis.getAttribute("data-crisis-for").replace(/^id_/, "");
    document.querySelectorAll('input[name="' + name + '"]').forEach(function (input) {
      input.addEventListener("change", function () {
        crisis.hidden = !(input.checked && /^[123]$/.test(input.value));
      });
    });
  }
})();
