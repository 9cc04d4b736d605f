// The camera QR scanner of the wallet's receive page and the verifier's scan page (one component,
// one set of rules). Its markup comes from templates/_camera.html; every message and URL comes
// from the card's data-* attributes, where the templates translate them.
// Decoders, best first: the browser's BarcodeDetector, the vendored jsQR (static/vendor, loaded
// only when needed), or frames posted to the app's server (~2 per second). When the in-browser
// decoder keeps missing (a dense, small or blurred code), a frame also goes to the server about
// once a second. A decoded text is only ever put into this page's own form (data-result-form,
// data-result-field) and submitted to the app, which accepts only what it expects: nothing in a
// QR code is opened or navigated to here (SECURITY-CASES H04).
(function () {
  "use strict";

  var card = document.getElementById("camera-card");
  if (!card) { return; }
  var video = document.getElementById("camera-video");
  var view = document.getElementById("camera-view");
  var statusLine = document.getElementById("camera-status");
  var help = document.getElementById("camera-help");
  var startButton = document.getElementById("camera-start");
  var stopButton = document.getElementById("camera-stop");
  var resultForm = document.getElementById(card.dataset.resultForm);
  var resultField = document.getElementById(card.dataset.resultField);
  var sourceField = card.dataset.resultSource ? document.getElementById(card.dataset.resultSource) : null;
  var canvas = document.createElement("canvas");
  var context = canvas.getContext("2d", { willReadFrequently: true });
  var serverCanvas = document.createElement("canvas");  // its own: toBlob runs while jsQR draws
  var stream = null;
  var timer = null;
  var decoder = null;
  var busy = false;
  var submitted = false;
  var misses = 0;           // in-browser attempts without a code since the camera started
  var helperBusy = false;   // a frame is on its way to the server
  var helperNext = 0;       // earliest time (ms) the next helper frame may go (429: Retry-After)

  var FRAME_INTERVAL = { local: 200, server: 500 };  // ms between attempts; the server gets ~2/s
  var MAX_SIDE = { local: 960, server: 1280 };       // downscale frames before decoding
  var MISSES_BEFORE_HELP = 10;   // ~2 s of local misses before the server helps
  var HELP_INTERVAL = 1000;      // then one frame a second to the server, alongside

  function message(name) {
    return card.dataset["msg" + name.charAt(0).toUpperCase() + name.slice(1)] || name;
  }

  function showHelp(text) {
    help.textContent = text;
    help.classList.remove("hidden");
    statusLine.classList.add("hidden");
  }

  function setRunning(running) {
    view.classList.toggle("hidden", !running);
    startButton.classList.toggle("hidden", running);
    stopButton.classList.toggle("hidden", !running);
  }

  function stop() {
    misses = 0;
    if (timer) { clearTimeout(timer); timer = null; }
    if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); stream = null; }
    setRunning(false);
  }

  function found(text) {
    if (submitted) { return; }  // the local and the server decoder may both succeed
    submitted = true;
    stop();
    statusLine.textContent = message("found");
    statusLine.classList.remove("hidden");
    resultField.value = text;
    if (sourceField) { sourceField.value = "camera"; }
    resultForm.submit();
  }

  function grab(maxSide, target) {
    var width = video.videoWidth, height = video.videoHeight;
    if (!width || !height) { return false; }
    var scale = Math.min(1, maxSide / Math.max(width, height));
    target.width = Math.round(width * scale);
    target.height = Math.round(height * scale);
    target.getContext("2d").drawImage(video, 0, 0, target.width, target.height);
    return true;
  }

  function nativeDecoder(detector) {
    return function (done) {
      detector.detect(video).then(function (codes) {
        done(codes.length ? codes[0].rawValue : null);
      }, function () { done(null); });
    };
  }

  function jsqrDecoder(done) {
    if (!grab(MAX_SIDE.local, canvas)) { done(null); return; }
    var image = context.getImageData(0, 0, canvas.width, canvas.height);
    var code = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "attemptBoth" });
    done(code && code.data ? code.data : null);
  }

  function serverDecoder(done) {
    if (!grab(MAX_SIDE.server, serverCanvas)) { done(null); return; }
    serverCanvas.toBlob(function (blob) {
      if (!blob) { done(null); return; }
      fetch(card.dataset.frameUrl, {
        method: "POST",
        body: blob,
        credentials: "same-origin",
        headers: { "Content-Type": "image/jpeg", "X-CSRFToken": card.dataset.csrf }
      }).then(function (response) {
        if (response.status === 429) {  // over this address's limit: wait as the server says
          var wait = parseInt(response.headers.get("Retry-After") || "10", 10);
          helperNext = Date.now() + Math.max(1, wait) * 1000;
        }
        return response.ok ? response.json() : { text: null };
      }).then(function (answer) { done(answer.text || null); }, function () { done(null); });
    }, "image/jpeg", 0.85);
  }

  // After a run of local misses, ask the server too, at most once a second and one at a time.
  function helpFromServer() {
    if (decoder.run === serverDecoder || misses < MISSES_BEFORE_HELP) { return; }
    if (helperBusy || Date.now() < helperNext) { return; }
    helperBusy = true;
    helperNext = Date.now() + HELP_INTERVAL;
    serverDecoder(function (text) {
      helperBusy = false;
      if (text && stream) { found(text); }
    });
  }

  function loop() {
    if (!stream || busy) { return; }
    busy = true;
    decoder.run(function (text) {
      busy = false;
      if (text) { found(text); return; }
      misses += 1;
      helpFromServer();
      if (stream) { timer = setTimeout(loop, decoder.interval); }
    });
  }

  function loadJsqr() {
    return new Promise(function (resolve) {
      if (window.jsQR) { resolve(true); return; }
      var script = document.createElement("script");
      script.src = card.dataset.decoderUrl;
      script.onload = function () { resolve(Boolean(window.jsQR)); };
      script.onerror = function () { resolve(false); };
      document.head.appendChild(script);
    });
  }

  function fallbackDecoder() {
    return loadJsqr().then(function (loaded) {
      if (loaded) { return { run: jsqrDecoder, interval: FRAME_INTERVAL.local }; }
      return { run: serverDecoder, interval: FRAME_INTERVAL.server };
    });
  }

  function chooseDecoder() {
    if ("BarcodeDetector" in window) {
      return window.BarcodeDetector.getSupportedFormats().then(function (formats) {
        if (formats.indexOf("qr_code") >= 0) {
          var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
          return { run: nativeDecoder(detector), interval: FRAME_INTERVAL.local };
        }
        return fallbackDecoder();
      }, fallbackDecoder);
    }
    return fallbackDecoder();
  }

  function explain(error) {
    var name = error && error.name;
    if (name === "NotAllowedError" || name === "SecurityError") { return message("denied"); }
    if (name === "NotFoundError" || name === "OverconstrainedError" || name === "DevicesNotFoundError") {
      return message("noCamera");
    }
    if (name === "NotReadableError") { return message("busy"); }
    return message("failed");
  }

  function start() {
    help.classList.add("hidden");
    statusLine.classList.remove("hidden");
    if (!window.isSecureContext || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      showHelp(message("insecure"));
      return;
    }
    statusLine.textContent = message("starting");
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (media) {
        stream = media;
        video.srcObject = media;
        setRunning(true);
        return video.play();
      })
      .then(chooseDecoder)
      .then(function (chosen) {
        decoder = chosen;
        misses = 0;
        statusLine.textContent = message("hold");
        loop();
      })
      .catch(function (error) { stop(); showHelp(explain(error)); });
  }

  startButton.addEventListener("click", start);
  stopButton.addEventListener("click", stop);
  window.addEventListener("pagehide", stop);

  // Start at once only where the camera is already allowed: never a permission prompt on load.
  if (navigator.permissions && navigator.permissions.query) {
    navigator.permissions.query({ name: "camera" }).then(function (result) {
      if (result.state === "granted") { start(); }
    }, function () {});
  }
})();
