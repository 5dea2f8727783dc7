// The file-a-request form: show only the chosen app's procedures for the chosen right (or "any request").
// The server checks the choice too (rights.forms.FileRequestForm.clean). A static file: the CSP allows no inline script.
(function () {
  "use strict";
  const form = document.querySelector("form[data-procedure-filter]");
  if (!form) return;
  const app = form.elements["app"], right = form.elements["right"], procedure = form.elements["procedure"];
  function sync() {
    for (const group of procedure.querySelectorAll("optgroup")) {
      let visible = 0;
      for (const option of group.querySelectorAll("option")) {
        const show = (!app.value || option.dataset.app === app.value) &&
          (!right.value || option.dataset.right === right.value || option.dataset.right === "any_request");
        option.hidden = option.disabled = !show;
        if (!show && option.selected) procedure.value = "";
        visible += show ? 1 : 0;
      }
      group.hidden = visible === 0;
    }
  }
  app.addEventListener("change", sync);
  right.addEventListener("change", sync);
  sync();
})();
