/* Behaviour every page shares, without inline script (strict CSP).
 *
 * 1. A form shown again with errors: focus moves to the error summary at its top
 *    (.form-error-summary, tabindex="-1"), or to the first invalid field when there is no
 *    summary, so keyboard and screen-reader users start where the problem is. A link of the
 *    summary moves focus into its field (opening a closed <details> around it).
 * 2. A table or figure wider than its frame (.table-responsive, .gulir-x) scrolls inside it:
 *    the frame becomes focusable and named (role="region") so the keyboard can scroll it too.
 */
(function () {
  "use strict";

  function focusField(field) {
    var details = field.closest("details");
    if (details && !details.open) { details.open = true; }
    field.focus();
    if (field.scrollIntoView) { field.scrollIntoView({block: "center"}); }
  }

  var summary = document.querySelector(".form-error-summary");
  if (summary) {
    summary.focus();
  } else {
    var invalid = document.querySelector(".is-invalid");
    if (invalid) { focusField(invalid); }
  }
  document.querySelectorAll(".form-error-summary").forEach(function (box) {
    box.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var field = link && document.getElementById(link.getAttribute("href").slice(1));
      if (field) {
        event.preventDefault();
        focusField(field);
      }
    });
  });

  function nameOf(frame) {
    var caption = frame.querySelector("caption");
    if (caption && caption.textContent.trim()) { return caption.textContent.trim(); }
    // Otherwise the heading the table sits under.
    var name = "Tabel";
    document.querySelectorAll("h1, h2, h3").forEach(function (h) {
      if (h.compareDocumentPosition(frame) & Node.DOCUMENT_POSITION_FOLLOWING) {
        name = h.textContent.trim();
      }
    });
    return name;
  }

  function markScrollableTables() {
    document.querySelectorAll(".table-responsive, .gulir-x").forEach(function (frame) {
      var scrolls = frame.scrollWidth > frame.clientWidth + 1;
      var added = frame.getAttribute("data-gulir");
      if (scrolls && added === null && !frame.hasAttribute("tabindex")) {
        var set = {tabindex: "0", role: "region",
                   "aria-label": nameOf(frame) + " (geser ke samping)"};
        added = Object.keys(set).filter(function (a) { return !frame.hasAttribute(a); });
        added.forEach(function (a) { frame.setAttribute(a, set[a]); });
        frame.setAttribute("data-gulir", added.join(" "));
      } else if (!scrolls && added !== null) {
        added.split(" ").concat(["data-gulir"]).forEach(function (a) {
          if (a) { frame.removeAttribute(a); }
        });
      }
    });
  }

  markScrollableTables();
  window.addEventListener("load", markScrollableTables);  // after web fonts and images
  var pending = null;
  window.addEventListener("resize", function () {
    if (pending) { window.clearTimeout(pending); }
    pending = window.setTimeout(markScrollableTables, 150);
  });
})();

/* A form is sent once (issue 17): on a slow connection a second tap on "Simpan" used to make
 * a second record. After the first submit of a POST form its submit buttons are disabled and
 * the one pressed reads "Mengirim…"; further submits are ignored until the page changes.
 * The server's one-time token (token_kirim) still answers a repeat that gets through (another
 * tab, a retry after a timeout) with the first result. The buttons come back after 20 s (a
 * request that never answers) and when the page is shown again from the back/forward cache.
 * <form data-kirim-bebas> opts out (forms that stay on the page). */
(function () {
  "use strict";
  var LABEL = "Mengirim…";

  function buttons(form) {
    return Array.prototype.slice.call(form.querySelectorAll(
      "button[type=submit], button:not([type]), input[type=submit]")).concat(
      form.id ? Array.prototype.slice.call(document.querySelectorAll(
        "[form='" + form.id + "'][type=submit]")) : []);
  }

  function release(form) {
    form.removeAttribute("data-mengirim");
    form.removeAttribute("aria-busy");
    buttons(form).forEach(function (b) {
      b.disabled = false;
      if (b.hasAttribute("data-label-asli")) {
        if (b.tagName === "INPUT") { b.value = b.getAttribute("data-label-asli"); }
        else { b.textContent = b.getAttribute("data-label-asli"); }
        b.removeAttribute("data-label-asli");
      }
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || form.hasAttribute("data-kirim-bebas")) { return; }
    if ((form.getAttribute("method") || "get").toLowerCase() !== "post") { return; }
    if (form.hasAttribute("data-mengirim")) {
      event.preventDefault();  // the second tap
      return;
    }
    if (event.defaultPrevented) { return; }  // another script handles this submit
    var pressed = event.submitter;
    form.setAttribute("data-mengirim", "");
    form.setAttribute("aria-busy", "true");
    // Disabled after the browser has read the form: the pressed button's name/value
    // ("aksi=ajukan") must still be sent.
    window.setTimeout(function () {
      if (!form.hasAttribute("data-mengirim")) { return; }
      buttons(form).forEach(function (b) {
        b.disabled = true;
        if (b === pressed) {
          b.setAttribute("data-label-asli", b.tagName === "INPUT" ? b.value : b.textContent);
          if (b.tagName === "INPUT") { b.value = LABEL; } else { b.textContent = LABEL; }
        }
      });
    }, 0);
    window.setTimeout(function () { release(form); }, 20000);
  }, false);

  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      document.querySelectorAll("form[data-mengirim]").forEach(release);
    }
  });
})();

/* Input kept on the device for a form (static/js/draf_formulir.js) is dropped once its send
 * is known to have succeeded: the page it led to names the form's one-time token in
 * [data-draf-selesai] (the success message). */
(function () {
  "use strict";
  var PREFIX = "kotaku:draf:";
  var store = null;
  try { store = window.localStorage; } catch (e) { store = null; }
  if (!store) { return; }
  // Drafts whose send is known to have succeeded (this page is where it led).
  var selesai = Array.prototype.map.call(document.querySelectorAll("[data-draf-selesai]"),
    function (el) { return el.getAttribute("data-draf-selesai"); });
  if (selesai.length) {
    try {
      for (var i = store.length - 1; i >= 0; i--) {
        var k = store.key(i);
        if (k && k.indexOf(PREFIX) === 0) {
          var kept = JSON.parse(store.getItem(k) || "null");
          if (kept && kept.token && selesai.indexOf(kept.token) !== -1) { store.removeItem(k); }
        }
      }
    } catch (e) { /* unreadable entry: left alone */ }
  }

})();

/* A form page opened from the device's cache (offline, static/js/sw.js) carries the token it
 * was cached with: every freshly opened create form takes a new one-time token here, so two
 * reports entered offline from the same cached page are two records. (A form shown again
 * after refused input keeps its token; draf_formulir.js puts back a kept one.) */
(function () {
  "use strict";
  if (!window.crypto || !window.crypto.randomUUID) { return; }
  document.querySelectorAll("form:not([data-draf-terikat]) input[data-token-kirim]")
    .forEach(function (input) { input.value = window.crypto.randomUUID(); });
})();

/* A PDF link (a[data-pdf]) says at once that the PDF is being prepared (issue 17: it takes
 * a few seconds), in a live region next to the link, until the page changes or 20 s pass. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-pdf]");
    if (!link || event.defaultPrevented || event.button !== 0 || event.ctrlKey ||
        event.metaKey || event.shiftKey || event.altKey) { return; }
    var note = link.nextElementSibling;
    if (!note || !note.hasAttribute("data-pdf-status")) {
      note = document.createElement("span");
      note.setAttribute("data-pdf-status", "");
      note.setAttribute("role", "status");
      note.className = "small text-body-secondary ms-1";
      link.after(note);
    }
    note.textContent = "Menyiapkan PDF…";
    link.setAttribute("aria-busy", "true");
    window.setTimeout(function () {
      note.textContent = "";
      link.removeAttribute("aria-busy");
    }, 20000);
  });
  // Back from the PDF (bfcache): no stale notice.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("[data-pdf-status]").forEach(function (n) { n.textContent = ""; });
  });
})();
