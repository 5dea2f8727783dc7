// The progress page of a policy import: ask the server how far the import is, show it, and open the review
// page when it is done (or reload this page to show why it failed). No inline script: a strict
// Content-Security-Policy (script-src 'self') allows this file. Without JavaScript the page refreshes itself.
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box) {
    return;
  }
  var bar = box.querySelector("progress");
  var status = box.querySelector(".status");
  var delay = 500;

  function show(data) {
    if (bar) {
      bar.value = data.progress;
      bar.textContent = data.progress + "%";
    }
    if (status) {
      status.textContent = data.label;
    }
    box.dataset.state = data.state;
  }

  function poll() {
    fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        show(data);
        if (data.state === "done" && data.review_url) {
          // The progress page itself redirects to the review with the success message.
          window.location.assign(box.dataset.progressUrl);
        } else if (data.state === "failed") {
          window.location.reload();
        } else if (!data.stalled) {
          delay = Math.min(delay * 1.5, 3000);
          window.setTimeout(poll, delay);
        }
      })
      .catch(function () {
        // A dropped connection: try again a little later; the server keeps the import going.
        window.setTimeout(poll, 3000);
      });
  }

  window.setTimeout(poll, delay);
})();
