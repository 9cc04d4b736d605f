// Same-device OpenID4VP: the wallet sent this browser here with #response_code=...; present the
// code (with this session's cookie) to get the verdict. The code never leaves this origin.
(function () {
  "use strict";
  var box = document.getElementById("vp-done");
  if (!box) { return; }
  var status = document.getElementById("vp-done-status");
  var match = /(?:^#|&)response_code=([A-Za-z0-9_-]{16,128})(?:&|$)/.exec(window.location.hash);
  history.replaceState(null, "", window.location.pathname);  // keep the code out of history
  if (!match) { status.textContent = box.dataset.msgMissing || status.textContent; return; }
  var body = new URLSearchParams({ response_code: match[1] });
  fetch(box.dataset.resultUrl, {
    method: "POST",
    body: body,
    credentials: "same-origin",
    headers: { "X-CSRFToken": box.dataset.csrf }
  }).then(function (response) {
    if (!response.ok) { throw new Error(String(response.status)); }
    return response.text();
  }).then(function (html) {
    // Server-rendered, autoescaped fragment of this origin.
    box.innerHTML = html;
  }, function () {
    status.textContent = box.dataset.msgFailed || status.textContent;
  });
})();
