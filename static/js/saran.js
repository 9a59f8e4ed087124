/* Suggestions for the text fields that stand for a long list (desa, stakeholders) at
 * national scale, without inline script (strict CSP). See inti/pilihan.py.
 *
 * An <input data-saran="/saran/desa/" list="…_saran"> asks that URL for ?q=<text> a short
 * while after typing stops (2 characters at least; the server answers at most 20 rows) and
 * fills its <datalist> with the answers; the browser shows them under the field. The option's
 * value is the text the server resolves ("Sukolilo (35.19.09.2005)"), or the bare code/id when
 * the input says data-saran-nilai="kode" (a GET form whose URL wants the code).
 * Listens on the document, so rows added later (formset.js) work too. Without JavaScript the
 * field stays a plain text input: a typed code or exact name still works.
 *
 * Several values (<div data-saran-banyak>: text inputs of one name sharing one <datalist>):
 * the "Tambah baris" button, hidden until this script runs, adds an empty input.
 */
(function () {
  "use strict";
  if (window.kotakuSaran) { return; }
  window.kotakuSaran = true;

  var JEDA_MS = 250;
  var MIN_HURUF = 2;
  var timers = new WeakMap();
  var requests = new WeakMap();
  var last = new WeakMap();

  function listOf(input) {
    var id = input.getAttribute("list");
    return id ? document.getElementById(id) : null;
  }

  function fill(input, rows) {
    var list = listOf(input);
    if (!list) { return; }
    var byCode = input.getAttribute("data-saran-nilai") === "kode";
    var options = rows.map(function (row) {
      var option = document.createElement("option");
      option.value = byCode ? String(row.kode) : String(row.nilai);
      // Text nodes only: nothing from the server is ever parsed as HTML.
      option.textContent = byCode ? row.nilai + " · " + row.label : String(row.label);
      return option;
    });
    list.replaceChildren.apply(list, options);
  }

  function ask(input) {
    var q = input.value.trim();
    if (q.length < MIN_HURUF) { fill(input, []); last.delete(input); return; }
    if (last.get(input) === q) { return; }
    var previous = requests.get(input);
    if (previous) { previous.abort(); }
    var controller = new AbortController();
    requests.set(input, controller);
    var url = input.getAttribute("data-saran") + "?q=" + encodeURIComponent(q);
    fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin",
                signal: controller.signal})
      .then(function (response) { return response.ok ? response.json() : {hasil: []}; })
      .then(function (data) {
        last.set(input, q);
        fill(input, Array.isArray(data.hasil) ? data.hasil : []);
      })
      .catch(function () { /* aborted or offline: keep the current suggestions */ });
  }

  function addRow(button) {
    var box = button.closest("[data-saran-banyak]");
    var inputs = box ? box.querySelectorAll("input[type=text]") : [];
    if (!inputs.length) { return; }
    var first = inputs[0];
    var row = inputs[inputs.length - 1].cloneNode(false);
    var n = inputs.length + 1;
    row.value = "";
    row.id = first.id + "_" + n;
    var label = first.labels && first.labels.length ? first.labels[0].textContent.trim() : "";
    row.setAttribute("aria-label", (label.replace(/\s*\*$/, "") || first.name) + " " + n);
    row.classList.remove("is-invalid");
    row.removeAttribute("aria-invalid");
    inputs[inputs.length - 1].after(row);
    row.focus();
  }

  function showButtons() {
    document.querySelectorAll("[data-saran-tambah]").forEach(function (button) {
      button.hidden = false;
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", showButtons);
  } else {
    showButtons();
  }

  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element && event.target.closest("[data-saran-tambah]");
    if (button) { event.preventDefault(); addRow(button); }
  });

  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.hasAttribute("data-saran")) { return; }
    window.clearTimeout(timers.get(input));
    timers.set(input, window.setTimeout(function () { ask(input); }, JEDA_MS));
  });
})();
