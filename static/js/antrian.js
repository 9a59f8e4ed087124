/* The device's queue of forms sent without a connection (issue 17; filled by static/js/sw.js).
 * Every page shows it, when not empty, as "Menunggu dikirim (n)" in [data-antrian] (or at the
 * top of the page), and sends it when the connection returns: each entry once, in order; the
 * server's one-time token makes a repeated send harmless. An entry the server does not take
 * (a field to correct, a version conflict) stays in the list with a button that opens the
 * server's answer: the form with its messages and the differences, as online; the reason
 * (the form's messages, or the HTTP status) shows under the entry. A 5xx answer keeps the entry
 * waiting for the next try; a redirect to the login page is not a success. Also registers
 * the service worker. */
/* global KotakuAntrian */
(function () {
  "use strict";
  if (!window.indexedDB || typeof KotakuAntrian === "undefined") { return; }
  var sending = false;

  function box() {
    var el = document.querySelector("[data-antrian]");
    if (!el) {
      el = document.createElement("div");
      el.setAttribute("data-antrian", "");
      var main = document.querySelector("main") || document.body;
      main.insertBefore(el, main.firstChild);
    }
    return el;
  }

  function when(ms) {
    return new Date(ms).toLocaleString("id-ID", {day: "numeric", month: "short",
                                                hour: "2-digit", minute: "2-digit"});
  }

  function render(items) {
    var el = document.querySelector("[data-antrian]");
    if (!items.length) { if (el) { el.textContent = ""; el.className = ""; } return; }
    el = box();
    el.className = "alert alert-warning antrian-kirim";
    el.setAttribute("role", "status");
    el.textContent = "";
    var h = document.createElement("p");
    h.className = "fw-semibold mb-1";
    h.textContent = "Menunggu dikirim (" + items.length + ")";
    el.appendChild(h);
    var ul = document.createElement("ul");
    ul.className = "mb-0 small";
    items.forEach(function (item) {
      var li = document.createElement("li");
      li.textContent = item.judul + " · " + when(item.waktu) + " · " +
        (item.status === "ditolak" ? "perlu diperiksa" : "menunggu sambungan");
      if (item.alasan) {
        var why = document.createElement("div");
        why.className = "antrian-alasan";
        why.textContent = (item.status === "ditolak" ? "Alasan: " : "Catatan: ") + item.alasan;
        li.appendChild(why);
      }
      if (item.status === "ditolak" && item.jawaban) {
        var open = document.createElement("button");
        open.type = "button";
        open.className = "btn btn-link btn-sm p-0 ms-2";
        open.textContent = "Buka dan perbaiki";
        open.addEventListener("click", function () {
          KotakuAntrian.hapus(item.id).then(function () {
            document.open(); document.write(item.jawaban); document.close();
            window.history.replaceState(null, "", item.url);
          });
        });
        li.appendChild(open);
      }
      ul.appendChild(li);
    });
    el.appendChild(ul);
  }

  var LOGIN_PATH = "/masuk/";

  /* Why the server did not take an entry, in words, from its answer: the form's messages
   * (field errors, the conflict notice), else the HTTP status. */
  function reason(response, html) {
    if (new URL(response.url, window.location.href).pathname === LOGIN_PATH) {
      return "sesi berakhir: masuk lagi, lalu buka dan kirim ulang.";
    }
    var seen = [];
    try {
      var doc = new DOMParser().parseFromString(html, "text/html");
      doc.querySelectorAll(".invalid-feedback, .errorlist li, .alert-danger, .alert-warning")
        .forEach(function (n) {
          var t = n.textContent.replace(/\s+/g, " ").trim();
          if (t && seen.indexOf(t) < 0) { seen.push(t); }
        });
    } catch (e) { /* not HTML: fall back to the status */ }
    // The summary at the top repeats the field messages: keep each message once.
    var text = seen.filter(function (t) {
      return !seen.some(function (other) { return other !== t && other.indexOf(t) >= 0; });
    }).join(" · ");
    if (!text) {
      text = response.status === 403 ? "ditolak server (403): sesi atau izin berubah."
        : "ditolak server (kode " + response.status + ").";
    }
    return text.length > 300 ? text.slice(0, 297) + "…" : text;
  }

  function refresh() { return KotakuAntrian.semua().then(render).catch(function () {}); }

  function sendAll() {
    if (sending || !navigator.onLine) { return Promise.resolve(); }
    sending = true;
    return KotakuAntrian.semua().then(function (items) {
      return items.filter(function (i) { return i.status !== "ditolak"; }).reduce(function (chain, item) {
        return chain.then(function () {
          return fetch(item.url, {method: "POST", body: item.body, credentials: "same-origin",
                                  headers: item.type ? {"Content-Type": item.type} : {}})
            .then(function (response) {
              var toLogin = new URL(response.url, window.location.href).pathname === LOGIN_PATH;
              if (!toLogin && (response.redirected || (response.ok && response.url !== item.url))) {
                return KotakuAntrian.hapus(item.id);  // saved (or saved earlier: same token)
              }
              if (response.status >= 500) {  // the server's trouble, not the entry's: retry later
                item.alasan = "server sedang bermasalah (kode " + response.status +
                  "); dikirim lagi nanti.";
                return KotakuAntrian.ubah(item);
              }
              // Refused (a field to correct, a conflict, 4xx): stays listed, with the reason.
              return response.text().then(function (html) {
                item.status = "ditolak";
                item.jawaban = html;
                item.alasan = reason(response, html);
                return KotakuAntrian.ubah(item);
              });
            }).catch(function () { /* still no connection: try again later */ });
        });
      }, Promise.resolve());
    }).then(function () { sending = false; return refresh(); },
            function () { sending = false; });
  }

  refresh().then(sendAll);
  window.addEventListener("online", sendAll);

  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register("/sw.js", {scope: "/"}).catch(function () {});
  }
})();
