/* Offline entry for facilitators (issue 17). Plain service worker, no framework; served at
 * /sw.js (kotaku.views.service_worker) so that it controls the whole site.
 *
 * - The app shell (styles, scripts) is cached when installed; pages are fetched from the
 *   network first and the facilitator's form pages (and "Tugas saya") are kept, so they open
 *   without a connection.
 * - A form sent without a connection (a POST navigation whose fetch fails) is stored in the
 *   device's queue (IndexedDB, static/js/antrian_db.js) exactly as the browser built it,
 *   photos included, and answered with a page saying it waits to be sent; the pages send the
 *   queue when the connection returns (static/js/antrian.js). */
/* global KotakuAntrian */
importScripts("/static/js/antrian_db.js");

var VERSI = "kotaku-v2";
var SHELL = [
  "/static/vendor/bootstrap-5.3.9/css/bootstrap.min.css",
  "/static/vendor/bootstrap-5.3.9/js/bootstrap.bundle.min.js",
  "/static/css/portal.css", "/static/css/anggaran.css",
  "/static/js/portal.js", "/static/js/antrian.js", "/static/js/antrian_db.js",
  "/static/js/draf_formulir.js", "/static/js/formset.js", "/static/js/foto_preview.js"
];
// Pages worth opening offline: the entry forms and the task list.
var FORMULIR = /^\/(tugas-saya\/|anggaran\/kegiatan\/(baru\/|\d+\/(ubah|progres\/baru)\/)|kolaborasi\/(forum|komitmen)\/baru\/|desa\/(penilaian\/\d+\/ubah\/|[^/]+\/penilaian\/baru\/))/;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(VERSI).then(function (cache) {
    return Promise.all(SHELL.map(function (url) {
      return cache.add(url).catch(function () { /* an optional file: skip */ });
    }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== VERSI; })
      .map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

function halamanAntri(jumlah) {
  return "<!doctype html><html lang=\"id\"><head><meta charset=\"utf-8\">" +
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
    "<title>Menunggu dikirim · KOTAKU Jiwan</title>" +
    "<link rel=\"stylesheet\" href=\"/static/vendor/bootstrap-5.3.9/css/bootstrap.min.css\">" +
    "<link rel=\"stylesheet\" href=\"/static/css/portal.css\"></head><body>" +
    "<main class=\"container-lg py-3\"><h1 class=\"h4\">Tidak ada sambungan</h1>" +
    "<div class=\"alert alert-info\" role=\"status\">Isian Anda disimpan di perangkat ini dan " +
    "akan dikirim otomatis begitu sambungan kembali. Jangan isi ulang: setiap kiriman hanya " +
    "tersimpan sekali.</div><div data-antrian></div>" +
    "<p><a href=\"/tugas-saya/\">Kembali ke Tugas saya</a></p></main>" +
    "<script src=\"/static/js/antrian_db.js\"></script>" +
    "<script src=\"/static/js/antrian.js\"></script></body></html>";
}

function judulDari(url) {
  var path = new URL(url).pathname;
  if (/progres\/baru/.test(path)) { return "Laporan progres"; }
  if (/kegiatan\/baru/.test(path)) { return "Kegiatan baru"; }
  if (/kegiatan\/\d+\/ubah/.test(path)) { return "Perubahan kegiatan"; }
  if (/forum\/baru/.test(path)) { return "Forum kolaborasi"; }
  if (/komitmen\/baru/.test(path)) { return "Komitmen"; }
  if (/penilaian/.test(path)) { return "Penilaian"; }
  return "Formulir";
}

self.addEventListener("fetch", function (event) {
  var req = event.request;
  var url = new URL(req.url);
  if (url.origin !== self.location.origin) { return; }

  if (req.method === "POST" && req.mode === "navigate") {
    var copy = req.clone();
    event.respondWith(fetch(req).catch(function () {
      return copy.blob().then(function (body) {
        return KotakuAntrian.tambah({
          url: req.url, type: copy.headers.get("Content-Type") || "", body: body,
          waktu: Date.now(), judul: judulDari(req.url), status: "menunggu"});
      }).then(function () { return KotakuAntrian.semua(); }).then(function (items) {
        return new Response(halamanAntri(items.length),
                            {headers: {"Content-Type": "text/html; charset=utf-8"}});
      });
    }));
    return;
  }
  if (req.method !== "GET") { return; }

  if (req.mode === "navigate") {
    event.respondWith(fetch(req).then(function (response) {
      if (response.ok && FORMULIR.test(url.pathname)) {
        var keep = response.clone();
        caches.open(VERSI).then(function (cache) { cache.put(req, keep); });
      }
      return response;
    }).catch(function () {
      return caches.match(req).then(function (hit) {
        return hit || new Response(halamanAntri(0), {
          status: 503, headers: {"Content-Type": "text/html; charset=utf-8"}});
      });
    }));
    return;
  }
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.match(req).then(function (hit) {
      return hit || fetch(req).then(function (response) {
        if (response.ok) {
          var keep = response.clone();
          caches.open(VERSI).then(function (cache) { cache.put(req, keep); });
        }
        return response;
      });
    }));
  }
});
