// Rows of the catalog's forms (policies/forms.py): a procedure's channels, an app's e-mails, phones and addresses.
// "Add" copies the last row, empty, under the next index and raises the row count the form reads; "Remove" empties
// a row and hides it (an empty row is dropped when the form is saved). Without script the spare rows and saving do
// the same work.
document.addEventListener("DOMContentLoaded", function () {
  function remover(button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var row = button.closest("tr");
      row.querySelectorAll("select, input").forEach(function (control) {
        if (control.tagName === "SELECT") control.selectedIndex = 0; else control.value = "";
      });
      row.hidden = true;
    });
  }
  document.querySelectorAll("[data-remove-row]").forEach(remover);
  // With the script, one empty row of an app's contacts is enough: "Add" brings more. (A procedure's channels
  // keep their three spare rows.)
  document.querySelectorAll("table.rd-values").forEach(function (table) {
    table.querySelectorAll("tr.rd-channels__spare").forEach(function (row, index) {
      if (index > 0) row.hidden = true;
    });
  });
  document.querySelectorAll("[data-add-channel]").forEach(function (button) {
    var name = button.getAttribute("data-add-channel");
    var table = document.querySelector('table.rd-channels[data-channels="' + name + '"]');
    var count = document.querySelector('input[type=hidden][name="' + name + '-rows"]');
    if (!table || !count) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var rows = table.tBodies[0].rows;
      var index = parseInt(count.value, 10);
      if (!rows.length || !(index >= 0) || index >= 100) return;
      var row = rows[rows.length - 1].cloneNode(true);
      row.hidden = false;
      row.querySelectorAll("select, input").forEach(function (control) {
        control.name = control.name.replace(/-\d+-(kind|value)$/, "-" + index + "-$1");
        if (control.id) control.id = control.id.replace(/_\d+(_value)?$/, "_" + index + "$1");
        var label = control.getAttribute("aria-label");
        if (label) control.setAttribute("aria-label", label.replace(/\d+/, String(index + 1)));
        if (control.tagName === "SELECT") control.selectedIndex = 0; else control.value = "";
      });
      row.querySelectorAll("[data-remove-row]").forEach(function (remove) {
        var label = remove.getAttribute("aria-label");
        if (label) remove.setAttribute("aria-label", label.replace(/\d+/, String(index + 1)));
        remover(remove);
      });
      table.tBodies[0].appendChild(row);
      count.value = String(index + 1);
      row.querySelector("select, input").focus();
    });
  });
});
