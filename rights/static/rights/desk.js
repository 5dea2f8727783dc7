/* RightsDesk desk behaviour (issue 10). A static file, no inline script, so a strict CSP holds. */
(function () {
  "use strict";
})();
