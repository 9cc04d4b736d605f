// Wallet service worker: keeps the card pages a learner has opened, to read them offline.
// Network first for pages (always the live copy when online); a saved copy only when the network
// fails, and then with the page's offline mark switched on. Sign-out sends Clear-Site-Data, which
// removes these copies.
"use strict";

var VERSION = "wallet-v1";
var PAGES = "wallet-pages-" + VERSION;
var ASSETS = "wallet-assets-" + VERSION;
var PRECACHE = [
  "/static/css/microcred.css",
  "/static/css/wallet.css",
  "/static/js/wallet-app.js",
  "/static/vendor/htmx-2.0.11.min.js",
  "/static/wallet/icon-192.png"
];
// Only these pages are kept: the card list and single cards.
var KEEP = [/^\/$/, /^\/cards\/[A-Za-z0-9_-]{1,64}$/];
var OFFLINE_CLASS_FROM = 'class="offline-mark hidden"';
var OFFLINE_CLASS_TO = 'class="offline-mark"';

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(ASSETS).then(function (cache) { return cache.addAll(PRECACHE); }).then(function () {
      return self.skipWaiting();
    })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf(VERSION) === -1;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function kept(url) {
  return url.origin === self.location.origin && KEEP.some(function (re) { return re.test(url.pathname); });
}

function markOffline(response) {
  return response.text().then(function (html) {
    var headers = new Headers(response.headers);
    headers.set("X-Wallet-Copy", "offline");
    return new Response(html.replace(OFFLINE_CLASS_FROM, OFFLINE_CLASS_TO), {
      status: 200,
      headers: headers
    });
  });
}

function page(request) {
  return fetch(request).then(function (response) {
    if (response.ok && response.type === "basic" && !response.redirected) {
      var copy = response.clone();
      caches.open(PAGES).then(function (cache) { cache.put(request.url, copy); });
    }
    return response;
  }).catch(function () {
    return caches.open(PAGES).then(function (cache) { return cache.match(request.url); }).then(function (saved) {
      if (saved) return markOffline(saved);
      // A worker has no page to read its words from: say it in both of the wallet's languages.
      return new Response("Offline: this page was not saved on this device.\n" +
                          "Ngoại tuyến: trang này chưa được lưu trên thiết bị này.", {
        status: 503,
        headers: { "Content-Type": "text/plain; charset=utf-8" }
      });
    });
  });
}

function asset(request) {
  return caches.match(request).then(function (saved) {
    return saved || fetch(request);
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && kept(url)) {
    event.respondWith(page(request));
  } else if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(asset(request));
  }
});
