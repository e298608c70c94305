// Suggests the device's own time zone where a page asks for one. The page
// works without it: the zone field is a plain form field with a short list.
// Nothing is chosen for the viewer: the suggestion is a button they press.
(function () {
  "use strict";
  var field = document.querySelector("input[data-zone-suggest]");
  if (!field || !window.Intl || !Intl.DateTimeFormat) {
    return;
  }
  var device = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!device || device === field.value) {
    return;
  }
  var note = document.getElementById(field.getAttribute("data-zone-suggest"));
  if (!note) {
    return;
  }
  var button = document.createElement("button");
  button.type = "button";
  button.className = "button button-secondary";
  button.textContent = "Use " + device + ", where this device is";
  button.addEventListener("click", function () {
    field.value = device;
    field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit();
  });
  note.appendChild(button);
  note.hidden = false;
})();
