// Complaints pages (no inline script: the site is moving to a strict Content-Security-Policy).
// [data-copy="#id"] copies that element's text; forms with data-confirm ask before a grave event.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-copy]");
  if (!button) return;
  event.preventDefault();
  var source = document.querySelector(button.getAttribute("data-copy"));
  if (!source) return;
  var text = source.value !== undefined ? source.value : source.textContent;
  var done = function () {
    var note = button.parentNode.querySelector(".cp-copied");
    if (note) { note.hidden = false; }
    button.setAttribute("data-copied", "true");
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(done, function () { source.select && source.select(); document.execCommand("copy"); done(); });
  } else {
    if (source.select) { source.select(); }
    try { document.execCommand("copy"); } catch (e) { /* the text stays selected for Ctrl+C */ }
    done();
  }
});
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) { event.preventDefault(); }
});
