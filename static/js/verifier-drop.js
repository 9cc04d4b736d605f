// Verifier scan page: dropping a file on the paste box. An image goes to the upload form, a
// JSON or text file is verified at once (the camera is static/js/qr-scanner.js).
(function () {
  "use strict";

  var card = document.getElementById("camera-card");
  var help = document.getElementById("camera-help");
  var statusLine = document.getElementById("camera-status");
  var textForm = document.getElementById("text-form");
  var textArea = document.getElementById("text");
  var sourceField = document.getElementById("text-source");

  function showHelp(text) {
    help.textContent = text;
    help.classList.remove("hidden");
    statusLine.classList.add("hidden");
  }

  // Dropping a file on the paste box: an image goes to the upload form, JSON/text is verified.
  var dropZone = document.getElementById("paste-card");
  var uploadInput = document.getElementById("upload");
  var uploadForm = document.getElementById("upload-form");
  var MAX_TEXT_FILE = 512000;
  ["dragenter", "dragover"].forEach(function (type) {
    dropZone.addEventListener(type, function (event) {
      event.preventDefault();
      dropZone.classList.add("drop-active");
    });
  });
  ["dragleave", "drop"].forEach(function (type) {
    dropZone.addEventListener(type, function () { dropZone.classList.remove("drop-active"); });
  });
  dropZone.addEventListener("drop", function (event) {
    event.preventDefault();
    var file = event.dataTransfer && event.dataTransfer.files[0];
    if (!file) { return; }
    if (/^image\/(png|jpeg)$/.test(file.type)) {
      var transfer = new DataTransfer();
      transfer.items.add(file);
      uploadInput.files = transfer.files;
      uploadForm.submit();
      return;
    }
    if (file.size > MAX_TEXT_FILE) {
      showHelp(card.dataset.msgTooLarge);
      return;
    }
    // A dropped credential file is verified at once, like an uploaded one.
    file.text().then(function (text) {
      textArea.value = text;
      sourceField.value = "file";
      textForm.submit();
    });
  });
})();
