// Keyboard shortcuts of the review desk. Every shortcut presses a button or follows a
// link that is on the page, so the desk works the same without this script.
(function () {
  "use strict";
  var rejectForm = document.getElementById("reject-form");
  var choosingReason = false;

  function typing(target) {
    // Letters typed into a note are text, not shortcuts.
    return target.matches("textarea, select, input:not([type=radio]):not([type=checkbox]):not([type=submit])");
  }

  function press(element) {
    if (element.tagName === "A") { window.location.href = element.href; }
    else if (element.form) { element.form.requestSubmit(element); }
  }

  function chooseReason(index) {
    var radio = rejectForm.querySelector('input[data-reason-key="' + index + '"]');
    if (!radio) { return; }
    radio.checked = true;
    if (radio.value === "other") {
      // "other" needs a note: type it, then Enter submits.
      document.getElementById("reject-note").focus();
      return;
    }
    rejectForm.requestSubmit();
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) { return; }
    if (event.key === "Escape") {
      choosingReason = false;
      if (rejectForm) { rejectForm.classList.remove("choosing"); }
      if (typing(event.target)) { event.target.blur(); }
      return;
    }
    if (typing(event.target)) { return; }
    if (choosingReason && /^[1-9]$/.test(event.key)) {
      event.preventDefault();
      chooseReason(event.key);
      return;
    }
    if (event.key === "r" && rejectForm) {
      event.preventDefault();
      choosingReason = true;
      rejectForm.classList.add("choosing");
      (rejectForm.querySelector("input[type=radio]:checked") || rejectForm.querySelector("input[type=radio]")).focus();
      return;
    }
    var target = document.querySelector('[data-key="' + event.key + '"]');
    if (target) {
      event.preventDefault();
      press(target);
    }
  });
})();
