/* The device's queue of forms sent without a connection (IndexedDB), shared by the service
 * worker (static/js/sw.js) and the pages (static/js/antrian.js). Each entry is the POST as
 * the browser built it: URL, content type and body (a Blob: photos included), with its
 * one-time token inside, so a send repeated after a lost answer never makes a second row. */
var KotakuAntrian = (function () {
  "use strict";
  var DB = "kotaku-antrian", STORE = "kiriman";

  function open() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB, 1);
      req.onupgradeneeded = function () {
        req.result.createObjectStore(STORE, {keyPath: "id", autoIncrement: true});
      };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function run(mode, fn) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result = fn(tx.objectStore(STORE));
        tx.oncomplete = function () { db.close(); resolve(result && result.result); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      });
    });
  }

  return {
    tambah: function (item) { return run("readwrite", function (s) { return s.add(item); }); },
    semua: function () { return run("readonly", function (s) { return s.getAll(); }); },
    hapus: function (id) { return run("readwrite", function (s) { return s.delete(id); }); },
    ubah: function (item) { return run("readwrite", function (s) { return s.put(item); }); }
  };
})();
