/* RightsDesk desk behaviour (issue 10). A static file, no inline script or handlers, so a strict CSP holds. */
(function () {
  "use strict";

  function text(tag, value, className) {
    const node = document.createElement(tag);
    node.textContent = value == null ? "" : String(value);
    if (className) node.className = className;
    return node;
  }

  // The filing page: only the chosen app's procedures for the chosen right (the server checks it too).
  function procedureFilter(form) {
    const app = form.elements["app"], right = form.elements["right"], procedure = form.elements["procedure"];
    if (!app || !right || !procedure) return;
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
  }

  // The filing page: a live preview of the clocks the filing will start (GET, JSON, nothing is written).
  function filingPreview(form) {
    const box = document.getElementById("filing-preview");
    const url = form.dataset.previewUrl;
    if (!box || !url) return;
    const labels = box.dataset;
    const now = box.querySelector("[data-preview=now]");
    const later = box.querySelector("[data-preview=later]");
    const error = box.querySelector("[data-preview=error]");
    let serial = 0;

    function table(headers, rows) {
      const t = document.createElement("table");
      const head = t.createTHead().insertRow();
      for (const h of headers) head.appendChild(text("th", h));
      const body = t.createTBody();
      for (const cells of rows) {
        const tr = body.insertRow();
        cells.forEach(function (cell, i) {
          const td = tr.insertCell();
          td.dataset.label = headers[i];  // shown before the value when the table becomes cards (desk.css)
          if (cell instanceof Node) td.appendChild(cell); else td.textContent = cell;
        });
      }
      return t;
    }

    function render(data) {
      now.replaceChildren(table(
        [labels.labelAction, labels.labelPromise, labels.labelStarts, labels.labelLastDay, labels.labelStatutory],
        data.clocks.map(function (c) {
          const last = document.createElement("span");
          last.className = "rd-deadline rd-deadline--" + c.tone;
          last.dataset.lastDay = c.last_day;
          last.appendChild(text("time", c.last_day));
          last.appendChild(document.createTextNode(" "));
          last.appendChild(text("span", c.status, "rd-deadline__left"));
          if (c.provisional) last.appendChild(text("abbr", labels.labelProvisional, "rd-provisional"));
          const promise = document.createElement("span");
          promise.appendChild(document.createTextNode(c.promise));
          if (c.statutory) promise.appendChild(text("span", " · " + labels.labelStatutoryDefault, "rd-muted"));
          if (c.exceeds_cap) promise.appendChild(text("span", " · " + labels.labelOverCap, "rd-warning"));
          return [c.action, promise, c.starts, last, c.statutory_last_day || "—"];
        })
      ));
      later.replaceChildren(data.later.length ? table(
        [labels.labelAction, labels.labelPromise, labels.labelStarts],
        data.later.map(function (c) { return [c.action, c.promise, c.starts]; })
      ) : text("p", "—", "rd-muted"));
      error.hidden = true;
      box.hidden = false;
    }

    // One request per change (issue 19): "input" and "change" both fire for one edit, and a date picker fires
    // them for each part typed, so the edits settle for a moment first and a query already asked is not asked
    // again.
    let asked = "", timer = 0;
    function refresh() {
      window.clearTimeout(timer);
      const app = form.elements["app"].value, right = form.elements["right"].value;
      const sent = form.elements["sent_at"].value;
      if (!app || !right || !sent) { asked = ""; box.hidden = true; return; }
      const query = new URLSearchParams({app: app, right: right, sent_at: sent}).toString();
      if (query === asked) return;
      asked = query;
      const mine = ++serial;
      fetch(url + "?" + query, {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (response) { return response.json(); })
        .then(function (data) {
          if (mine !== serial) return;  // an older answer arriving late
          if (data.error) {
            now.replaceChildren(); later.replaceChildren();
            error.textContent = data.error; error.hidden = false; box.hidden = false;
          } else {
            render(data);
          }
        })
        .catch(function () { if (mine === serial) { asked = ""; box.hidden = true; } });
    }
    function soon() { window.clearTimeout(timer); timer = window.setTimeout(refresh, 300); }

    for (const name of ["app", "right", "sent_at"]) {
      const field = form.elements[name];
      if (field) { field.addEventListener("change", soon); field.addEventListener("input", soon); }
    }
    refresh();
  }

  // Lists that become cards on a phone: each value carries its column's name (desk.css shows it before the
  // value on the history and reminder lists, whose bare numbers and dates mean nothing without it).
  function labelCells(table) {
    const headers = Array.from(table.querySelectorAll("thead th"), (th) => th.textContent.trim());
    for (const row of table.querySelectorAll("tbody tr")) {
      Array.from(row.children).forEach((cell, i) => { if (headers[i]) cell.dataset.label = headers[i]; });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    const filing = document.querySelector("form.rd-filing");
    if (filing) { procedureFilter(filing); filingPreview(filing); }
    const results = document.querySelector("#result_list");
    if (results) labelCells(results);
  });
})();
