// Wallet: service worker registration, the offline mark and copy buttons. No inline script (CSP).
(function () {
  "use strict";
  var script = document.currentScript;

  function registerWorker() {
    if (!("serviceWorker" in navigator) || !script || !script.dataset.sw) return;
    navigator.serviceWorker.register(script.dataset.sw, { scope: "/" }).catch(function () {
      // No offline copies then; the wallet works the same online.
    });
  }

  function offlineMark(show) {
    var mark = document.getElementById("offline-mark");
    if (mark) mark.classList.toggle("hidden", !show);
  }

  function copyButtons() {
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      button.addEventListener("click", function () {
        var field = document.querySelector(button.dataset.copy);
        if (!field) return;
        var done = function () { button.textContent = button.dataset.copied || "Copied"; };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(field.value).then(done, function () { field.select(); });
        } else {
          field.select();
          try { document.execCommand("copy"); done(); } catch (e) { /* the text stays selected */ }
        }
      });
    });
  }

  registerWorker();
  window.addEventListener("offline", function () { offlineMark(true); });
  window.addEventListener("online", function () { offlineMark(false); });
  document.addEventListener("DOMContentLoaded", function () {
    if (navigator.onLine === false) offlineMark(true);
    copyButtons();
    // After answering a verifier: go back to its page (the wallet checked the address is safe).
    var follow = document.querySelector("a[data-auto-follow]");
    if (follow) { setTimeout(function () { window.location.assign(follow.href); }, 800); }
  });
})();
