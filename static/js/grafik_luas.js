/* Dampak: slum hectares by level per year (measured), from #grafik-luas-data (json_script).
   The same numbers are in the table under the chart. */
(function () {
  "use strict";
  var src = document.getElementById("grafik-luas-data");
  var el = document.getElementById("grafik-luas");
  if (!src || !el || typeof Chart === "undefined") { return; }
  var data = JSON.parse(src.textContent);
  if (window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches) {
    Chart.defaults.animation = false;
  }
  var ha = function (v) { return v.toLocaleString("id-ID", { maximumFractionDigits: 2 }) + " ha"; };
  var sets = data.tingkat.map(function (t) {
    return { type: "bar", label: t.label + " (terukur)", data: t.data, backgroundColor: t.warna, stack: "ha" };
  });
  sets.push({ type: "line", label: "Kumuh proyeksi (perkiraan)", data: data.proyeksi,
              borderColor: "#212529", borderDash: [6, 4], backgroundColor: "#212529", fill: false });
  new Chart(el, {
    data: { labels: data.tahun, datasets: sets },
    options: { maintainAspectRatio: false,
      scales: { x: { stacked: true }, y: { stacked: true, ticks: { callback: ha } } },
      plugins: { legend: { position: "bottom" },
        tooltip: { callbacks: { label: function (c) { return c.dataset.label + ": " + ha(c.parsed.y); } } } } }
  });
}());
