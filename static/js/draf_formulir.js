/* Unsaved input is never silently lost on a weak connection (field work on a phone).
 *
 * <form data-draf="<key>" [data-draf-terikat]> keeps what is typed in the device's
 * localStorage, with the record version (the hidden "versi" input) it was typed against.
 * When the page is opened again showing the server's saved values (the submit never
 * arrived, the tab was closed, the phone restarted), the kept input is put back and the
 * notice [data-draf-pulih] is shown; its [data-draf-buang] button returns to the saved values.
 *
 * The kept input is dropped once it is known to be saved: it was sent and the server's
 * version has moved on since. If the version moved on without this device having sent it
 * (someone else saved meanwhile), it is restored with its old version, so the server's
 * conflict check shows the differences on the next save instead of overwriting them.
 * data-draf-terikat marks a page re-shown after refused input: it already shows that input.
 *
 * Create forms (issue 17: activity with funding lines, progress report, forum, pledge, new
 * assessment) have no version but a one-time token (hidden input[data-token-kirim]): it is
 * kept with the input and put back with it, so sending the restored form again can never
 * make a second record (the server answers with the first). The page a successful send
 * leads to carries [data-draf-selesai="<token>"] (in its success message); every draft kept
 * for that token is dropped there (static/js/portal.js, loaded on every page). Funding-line
 * rows added with "Tambah baris" are added again before the input is put back (the formset's
 * TOTAL_FORMS is kept too).
 */
(function () {
  "use strict";
  var PREFIX = "kotaku:draf:";
  var store = null;
  try { store = window.localStorage; } catch (e) { store = null; }
  if (!store) { return; }

  var form = document.querySelector("form[data-draf]");
  if (!form) { return; }

  var key = PREFIX + form.getAttribute("data-draf");
  var versiInput = form.querySelector("input[name=versi]");
  var tokenInput = form.querySelector("input[data-token-kirim]");
  // (A hidden input's value is its attribute: keep the page's own token before restoring.)
  var tokenAwal = tokenInput ? tokenInput.value : "";
  var versi = versiInput ? versiInput.value : "";
  var notice = document.querySelector("[data-draf-pulih]");

  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "versi" && el.name !== "csrfmiddlewaretoken" &&
        ["submit", "button", "reset", "hidden", "file", "password"].indexOf(el.type) === -1;
    });
  }

  function valueOf(el, saved) {
    if (el.type === "checkbox" || el.type === "radio") {
      return saved ? el.defaultChecked : el.checked;
    }
    if (el.tagName === "SELECT") {
      var chosen = Array.prototype.filter.call(el.options, function (o) {
        return saved ? o.defaultSelected : o.selected;
      });
      // A select without a selected="" option shows its first option.
      if (!chosen.length && el.options.length && !el.multiple) { chosen = [el.options[0]]; }
      return chosen.map(function (o) { return o.value; }).join("\n");
    }
    return saved ? el.defaultValue : el.value;
  }

  function read(saved) {
    var values = {};
    fields().forEach(function (el) { values[el.name] = valueOf(el, saved); });
    return values;
  }

  function write(values) {
    fields().forEach(function (el) {
      if (!Object.prototype.hasOwnProperty.call(values, el.name)) { return; }
      var v = values[el.name];
      if (el.type === "checkbox" || el.type === "radio") { el.checked = !!v; }
      else if (el.tagName === "SELECT") {
        var wanted = String(v).split("\n");
        Array.prototype.forEach.call(el.options, function (o) {
          o.selected = wanted.indexOf(o.value) !== -1;
        });
      } else { el.value = v; }
    });
  }

  function differs(a, b) {
    return Object.keys(a).some(function (k) {
      return Object.prototype.hasOwnProperty.call(b, k) && a[k] !== b[k];
    });
  }

  function load() {
    try { return JSON.parse(store.getItem(key)); } catch (e) { return null; }
  }

  function totals() {
    var out = {};
    form.querySelectorAll("input[name$='-TOTAL_FORMS']").forEach(function (el) {
      out[el.name] = el.value;
    });
    return out;
  }

  function addRows(wanted) {
    // Rows added with "Tambah baris" on the earlier page: add them again (formset.js).
    Object.keys(wanted || {}).forEach(function (name) {
      var total = form.querySelector("input[name='" + name + "']");
      var prefix = name.replace(/-TOTAL_FORMS$/, "");
      var button = document.querySelector("[data-formset-add='" + prefix + "']");
      var guard = 60;
      while (total && button && guard-- > 0 &&
             parseInt(total.value, 10) < parseInt(wanted[name], 10)) {
        var before = total.value;
        button.click();
        if (total.value === before) { break; }  // at the maximum
      }
    });
  }

  function keep(sent) {
    try {
      store.setItem(key, JSON.stringify({
        versi: versiInput ? versiInput.value : "", waktu: Date.now(), terkirim: !!sent,
        token: tokenInput ? tokenInput.value : "", baris: totals(), nilai: read(false)}));
    } catch (e) { /* storage full or blocked: the form still works */ }
  }

  function forget() {
    try { store.removeItem(key); } catch (e) { /* nothing kept */ }
  }

  function recalculate() {
    // The live score (htmx) listens to "input" on the form, once htmx has started.
    var first = fields()[0];
    function fire() {
      if (first) { first.dispatchEvent(new Event("input", {bubbles: true})); }
    }
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", function () { window.setTimeout(fire, 0); });
    } else { fire(); }
  }

  var draf = load();
  if (draf && draf.baris && !form.hasAttribute("data-draf-terikat")) { addRows(draf.baris); }
  var saved = read(true);
  if (form.hasAttribute("data-draf-terikat")) {
    keep(false);  // the server refused it: keep what the page shows until it is saved
  } else if (draf && draf.nilai) {
    var newer = draf.versi !== versi;
    if ((newer && draf.terkirim) || !differs(draf.nilai, saved)) {
      forget();  // saved (by this device, or it equals what is saved)
    } else {
      write(draf.nilai);
      if (newer && versiInput) { versiInput.value = draf.versi; }
      // The same one-time token: if the earlier send did arrive, sending again shows it.
      if (tokenInput && draf.token) { tokenInput.value = draf.token; }
      if (notice) {
        var when = notice.querySelector("[data-draf-waktu]");
        if (when && draf.waktu) {
          when.textContent = new Date(draf.waktu).toLocaleString("id-ID", {
            day: "numeric", month: "short", hour: "2-digit", minute: "2-digit"});
        }
        notice.classList.remove("d-none");
        var discard = notice.querySelector("[data-draf-buang]");
        if (discard) {
          discard.addEventListener("click", function () {
            write(saved);
            if (versiInput) { versiInput.value = versi; }
            if (tokenInput) { tokenInput.value = tokenAwal; }
            notice.classList.add("d-none");
            recalculate();
            forget();
            var heading = document.querySelector("h1");
            if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
          });
        }
      }
      recalculate();
    }
  }

  form.addEventListener("input", function () { keep(false); });
  form.addEventListener("change", function () { keep(false); });
  form.addEventListener("submit", function () { keep(true); });
})();
