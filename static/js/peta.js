/* Draws desa boundaries with Leaflet from the JSON in #peta-data. Works without a tile server:
   polygons on a plain background; a tile layer is added only when the page sets data-tile-url. */
(function () {
  "use strict";
  var el = document.getElementById("peta");
  var source = document.getElementById("peta-data");
  if (!el || !source || typeof L === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var map = L.map(el, { scrollWheelZoom: false, zoomSnap: 0.25 });
  if (el.dataset.tileUrl) {
    L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.tileAttribution || "" }).addTo(map);
  }
  function esc(s) {
    var d = document.createElement("div");
    d.textContent = s == null ? "" : String(s);
    return d.innerHTML;
  }
  var layer = L.geoJSON(data, {
    style: function (f) {
      var warna = f.properties.warna || "#0d6efd";
      return { color: "#334", weight: 1.5, fillColor: warna, fillOpacity: 0.55 };
    },
    onEachFeature: function (f, lyr) {
      var p = f.properties;
      var html = '<strong><a href="' + esc(p.url) + '">' + esc(p.nama) + "</a></strong>";
      html += '<br><span class="small">' + esc(p.kode) + "</span>";
      if (p.keterangan) { html += "<br>" + esc(p.keterangan); }
      lyr.bindPopup(html);
      lyr.bindTooltip(esc(p.nama), { sticky: true });
    }
  }).addTo(map);
  data.features.forEach(function (f) {
    var t = f.properties.titik;
    if (t && data.features.length > 1) {
      L.marker(t, {
        icon: L.divIcon({ className: "peta-label", html: esc(f.properties.nama), iconSize: null })
      }).addTo(map);
    }
  });
  if (layer.getBounds().isValid()) { map.fitBounds(layer.getBounds(), { padding: [8, 8] }); }
  var legend = document.getElementById("peta-legenda-data");
  if (legend) {
    var items = JSON.parse(legend.textContent);
    var ctl = L.control({ position: "bottomright" });
    ctl.onAdd = function () {
      var div = L.DomUtil.create("div", "peta-legenda");
      items.forEach(function (it) {
        var row = L.DomUtil.create("div", "", div);
        var sw = L.DomUtil.create("span", "peta-swatch", row);
        sw.dataset.warna = it.warna;
        sw.textContent = "\u00a0";
        var lbl = L.DomUtil.create("span", "", row);
        lbl.textContent = " " + it.label;
      });
      return div;
    };
    ctl.addTo(map);
    // CSP-safe colouring: set via the CSSOM, not a style attribute in markup.
    Array.prototype.forEach.call(document.querySelectorAll(".peta-swatch"), function (s) {
      s.style.backgroundColor = s.dataset.warna;
    });
  }
}());
