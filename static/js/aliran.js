/* Sankey of funding flows from #aliran-data: {flows: [{from, to, flow}], labels: {key: name}}.
   Node keys start with their level: s: source, p: stakeholder, d: desa, a: aspect. */
(function () {
  "use strict";
  var src = document.getElementById("aliran-data");
  var el = document.getElementById("grafik-aliran");
  if (!src || !el || typeof Chart === "undefined") { return; }
  var data = JSON.parse(src.textContent);
  if (!data.flows.length) { el.parentNode.classList.add("d-none"); return; }
  var rp = new Intl.NumberFormat("id-ID", { style: "currency", currency: "IDR", maximumFractionDigits: 0 });
  var colours = { s: "#0d6efd", p: "#6f42c1", d: "#198754", a: "#fd7e14" };
  var colour = function (key) { return colours[key.charAt(0)] || "#6c757d"; };
  var name = function (key) { return data.labels[key] || key; };
  new Chart(el, {
    type: "sankey",
    data: { datasets: [{
      data: data.flows,
      labels: data.labels,
      colorFrom: function (c) { return colour(c.dataset.data[c.dataIndex].from); },
      colorTo: function (c) { return colour(c.dataset.data[c.dataIndex].to); },
      colorMode: "gradient", size: "max", borderWidth: 0, nodeWidth: 12,
      font: { size: 11 }
    }] },
    options: { maintainAspectRatio: false, animation: false, plugins: { tooltip: { callbacks: {
      label: function (c) {
        var d = c.dataset.data[c.dataIndex];
        return name(d.from) + " → " + name(d.to) + ": " + rp.format(d.flow);
      }
    } } } }
  });
}());
