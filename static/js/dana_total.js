/* Funding lines (issue 17): each planned/realised amount is read back in words as it is typed
 * ("= Rp 150 juta": a zero too many shows at once) and the lines' running totals sit under
 * them. Only a reading aid: the server parses and checks the amounts. */
(function () {
  "use strict";
  var container = document.getElementById("baris-dana");
  if (!container) { return; }

  function parse(text) {
    var t = String(text || "").trim().replace(/^rp\.?\s*/i, "").replace(/,-$/, "");
    t = t.replace(/,0{1,2}$/, "");
    if (!/^\d{1,3}(\.\d{3})*$|^\d+$/.test(t)) { return null; }
    return parseInt(t.replace(/\./g, ""), 10);
  }

  function grouped(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, "."); }

  function words(n) {
    function short(x, unit) {
      var v = Math.round(x * 100) / 100;
      return "Rp " + String(v).replace(".", ",") + " " + unit;
    }
    if (n >= 1e12) { return short(n / 1e12, "triliun"); }
    if (n >= 1e9) { return short(n / 1e9, "miliar"); }
    if (n >= 1e6) { return short(n / 1e6, "juta"); }
    return "Rp " + grouped(n);
  }

  var total = document.createElement("p");
  total.className = "small fw-semibold mb-2 dana-total";
  total.setAttribute("aria-live", "polite");
  container.parentNode.insertBefore(total, container.nextSibling);

  function echo(input) {
    var id = input.id + "_gema";
    var out = document.getElementById(id);
    if (!out) {
      out = document.createElement("div");
      out.id = id;
      out.className = "form-text dana-gema";
      input.parentNode.appendChild(out);
    }
    var n = parse(input.value);
    out.textContent = input.value.trim() === "" ? "" : (n === null ? "" : "= " + words(n));
  }

  function update() {
    var rencana = 0, realisasi = 0, lines = 0;
    container.querySelectorAll("[data-baris]").forEach(function (row) {
      var del = row.querySelector("input[name$='-DELETE']");
      if (del && del.checked) { return; }
      var r = row.querySelector("input[name$='-rencana_rp']");
      var z = row.querySelector("input[name$='-realisasi_rp']");
      var rv = r ? parse(r.value) : null, zv = z ? parse(z.value) : null;
      if (rv !== null) { rencana += rv; lines += 1; }
      if (zv !== null) { realisasi += zv; }
    });
    total.textContent = lines ? "Total " + lines + " baris: rencana Rp " + grouped(rencana) +
      " (" + words(rencana) + "), realisasi Rp " + grouped(realisasi) : "";
  }

  container.addEventListener("input", function (event) {
    var t = event.target;
    if (t.name && /-(rencana|realisasi)_rp$/.test(t.name)) { echo(t); }
    update();
  });
  container.addEventListener("change", update);
  container.querySelectorAll("input[name$='-rencana_rp'], input[name$='-realisasi_rp']")
    .forEach(echo);
  update();
})();
