/* Line chart of a desa's total slum score per year (Chart.js 4), from the JSON in
   #riwayat-penilaian-data. The same numbers are in the table next to it. */
(function () {
  "use strict";
  var canvas = document.getElementById("grafik-riwayat-penilaian");
  var source = document.getElementById("riwayat-penilaian-data");
  if (!canvas || !source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  new Chart(canvas, {
    type: "line",
    data: {
      labels: data.tahun,
      datasets: [{
        label: data.label,
        data: data.total,
        borderColor: "#b2182b",
        backgroundColor: "#b2182b",
        tension: 0,
        pointRadius: 4
      }].concat(data.proyeksi ? [{
        label: data.label_proyeksi,
        data: data.proyeksi,
        borderColor: "#6c757d",
        backgroundColor: "#6c757d",
        borderDash: [6, 4],
        tension: 0,
        pointRadius: 3
      }] : [])
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: {
        y: { min: 0, max: data.maks, title: { display: true, text: data.label } }
      },
      plugins: {
        legend: { display: !!data.proyeksi, position: "bottom" },
        tooltip: {
          callbacks: {
            afterLabel: function (ctx) { return ctx.datasetIndex === 0 ? (data.tingkat[ctx.dataIndex] || "") : "perkiraan"; }
          }
        }
      }
    }
  });
}());
