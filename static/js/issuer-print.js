// Print buttons: <button data-print> opens the browser's print dialog (no inline handlers: CSP).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) { window.print(); }
  });
})();
