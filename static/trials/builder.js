/* The criteria builder works without this file (every action is a plain form submit, the server sets the focus);
   this only tells screen readers what the last action did, brings the focus back where the admin was, and lets
   Enter in a code search run that search. */
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("tb-form");
    if (!form) {
      return;
    }
    // A live region filled after the page loads is read out; text already there at load is not.
    var live = document.getElementById("tb-live");
    if (live && live.dataset.announce && live.dataset.announce.trim()) {
      window.setTimeout(function () {
        live.textContent = live.dataset.announce.trim();
      }, 250);
    }
    // Enter in a code search runs that search (without this file it checks the draft, and the results show too).
    form.addEventListener("keydown", function (event) {
      var field = event.target;
      if (event.key === "Enter" && field.type === "search") {
        var button = field.parentNode.querySelector("button[value^='search:']");
        if (button) {
          event.preventDefault();
          button.click();
        }
      }
    });
    // Enter in any other field submits with the page's first button ("Check and preview"); the server then puts
    // the focus back on the field it came from.
    var focusField = document.getElementById("tb-focus");
    form.addEventListener("submit", function () {
      var active = document.activeElement;
      if (focusField && active && active.id && form.contains(active)) {
        focusField.value = active.id;
      }
    });
  });
})();
