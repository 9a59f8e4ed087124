/* Beranda charts from #grafik-data (json_script). The same numbers are in the tables. */
(function () {
  "use strict";
  var src = document.getElementById("grafik-data");
  if (!src || typeof Chart === "undefined") { return; }
  var data = JSON.parse(src.textContent);
  // No animation for people who asked their device for less motion.
  if (window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches) {
    Chart.defaults.animation = false;
  }
  var rp = new Intl.NumberFormat("id-ID", { style: "currency", currency: "IDR", maximumFractionDigits: 0 });
  var juta = function (v) { return (v / 1e6).toLocaleString("id-ID", { maximumFractionDigits: 0 }) + " jt"; };
  var palette = ["#0d6efd", "#6610f2", "#d63384", "#fd7e14", "#198754", "#20c997", "#0dcaf0",
                 "#6c757d", "#ffc107", "#dc3545", "#6f42c1"];
  var el = document.getElementById("grafik-sumber");
  if (el && data.sumber) {
    new Chart(el, {
      type: "bar",
      data: { labels: data.sumber.labels, datasets: [
        { label: "Rencana", data: data.sumber.rencana, backgroundColor: "#0d6efd" },
        { label: "Realisasi", data: data.sumber.realisasi, backgroundColor: "#20c997" }] },
      options: { indexAxis: "y", maintainAspectRatio: false,
        scales: { x: { ticks: { callback: juta } } },
        plugins: { tooltip: { callbacks: { label: function (c) { return c.dataset.label + ": " + rp.format(c.parsed.x); } } } } }
    });
  }
  el = document.getElementById("grafik-jenis");
  if (el && data.jenis) {
    new Chart(el, {
      type: "doughnut",
      data: { labels: data.jenis.labels, datasets: [{ data: data.jenis.rencana, backgroundColor: palette }] },
      // The legend goes under the doughnut on a phone: beside it, its labels were cut off.
      options: { maintainAspectRatio: false, plugins: {
        legend: { position: window.matchMedia("(max-width: 575.98px)").matches ? "bottom" : "right" },
        tooltip: { callbacks: { label: function (c) { return c.label + ": " + rp.format(c.parsed); } } } } }
    });
  }
}());
