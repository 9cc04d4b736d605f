// Wallet receive page: scan an offer or request QR code with the camera.
// Decoders, best first (the same rules as the verifier's scanner): the browser's BarcodeDetector,
// the vendored jsQR (static/vendor/jsqr-1.4.0.js, loaded only when needed), or frames posted to
// the wallet's server (~2 per second). jsQR misses codes that the server's decoders read (small,
// blurred or dense ones): after a couple of seconds of misses, one frame in ~1.5 s also goes to
// the server while jsQR keeps trying. A decoded text is only ever put into this page's own link
// form and submitted to the wallet, which accepts offers and requests only (SECURITY-CASES H04):
// nothing in a QR code is opened or navigated to here.
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
  var linkForm = document.getElementById("link-form");
  var linkField = document.getElementById("link");
  var canvas = document.createElement("canvas");
  var context = canvas.getContext("2d", { willReadFrequently: true });
  var stream = null;
  var timer = null;
  var decoder = null;
  var busy = false;

  var FRAME_INTERVAL = { local: 200, server: 500 };
  var MAX_SIDE = { local: 960, server: 1280 };
  var HELP_AFTER_MISSES = 10;  // ~2 s of jsQR misses before the server helps
  var HELP_EVERY = 1500;       // then at most one server frame per 1.5 s, one at a time
  var misses = 0;
  var lastHelp = 0;
  var helping = false;

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
    if (timer) { clearTimeout(timer); timer = null; }
    if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); stream = null; }
    setRunning(false);
  }

  function found(text) {
    if (!stream) { return; }  // a late answer after stopping (or after the other decoder)
    stop();
    statusLine.textContent = message("found");
    statusLine.classList.remove("hidden");
    linkField.value = text;
    linkForm.submit();
  }

  function grab(maxSide) {
    var width = video.videoWidth, height = video.videoHeight;
    if (!width || !height) { return false; }
    var scale = Math.min(1, maxSide / Math.max(width, height));
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    context.drawImage(video, 0, 0, canvas.width, canvas.height);
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
    if (!grab(MAX_SIDE.local)) { done(null); return; }
    var image = context.getImageData(0, 0, canvas.width, canvas.height);
    var code = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "attemptBoth" });
    done(code && code.data ? code.data : null);
  }

  function askServerNow() {
    var now = Date.now();
    if (helping || misses < HELP_AFTER_MISSES || now - lastHelp < HELP_EVERY) { return; }
    lastHelp = now;
    helping = true;
    serverDecoder(function (text) {
      helping = false;
      if (text) { found(text); }
    });
  }

  function jsqrWithHelp(done) {
    jsqrDecoder(function (text) {
      if (!text) { misses += 1; askServerNow(); }
      done(text);
    });
  }

  function serverDecoder(done) {
    if (!grab(MAX_SIDE.server)) { done(null); return; }
    canvas.toBlob(function (blob) {
      if (!blob) { done(null); return; }
      fetch(card.dataset.frameUrl, {
        method: "POST",
        body: blob,
        credentials: "same-origin",
        headers: { "Content-Type": "image/jpeg", "X-CSRFToken": card.dataset.csrf }
      }).then(function (response) {
        return response.ok ? response.json() : { text: null };
      }).then(function (answer) { done(answer.text || null); }, function () { done(null); });
    }, "image/jpeg", 0.85);
  }

  function loop() {
    if (!stream || busy) { return; }
    busy = true;
    decoder.run(function (text) {
      busy = false;
      if (text) { found(text); return; }
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
      if (loaded) { return { run: jsqrWithHelp, interval: FRAME_INTERVAL.local }; }
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
