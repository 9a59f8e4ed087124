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
      if (f.properties.lapis === "kawasan") {
        return { color: "#b02a37", weight: 2.5, dashArray: "6 4", fillColor: "#dc3545",
                 fillOpacity: 0.3, className: "peta-kawasan" };
      }
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
  // Desa names on the map; where two would overlap, the larger desa keeps its name (the
  // smaller one still has its tooltip and popup). Redone after every zoom (issue 17).
  var labels = [];
  layer.eachLayer(function (lyr) {
    var f = lyr.feature, t = f && f.properties.titik;
    if (!t || data.features.length < 2) { return; }
    var b = lyr.getBounds();
    var size = Math.abs((b.getNorth() - b.getSouth()) * (b.getEast() - b.getWest()));
    var marker = L.marker(t, {
      icon: L.divIcon({ className: "peta-label", html: esc(f.properties.nama), iconSize: null }),
      keyboard: false, interactive: false
    }).addTo(map);
    labels.push({ marker: marker, size: f.properties.prioritas || size });
  });
  labels.sort(function (a, b) { return b.size - a.size; });
  function declutter() {
    var shown = [];
    labels.forEach(function (l) {
      var node = l.marker.getElement();
      if (!node) { return; }
      node.classList.remove("peta-label-tersembunyi");
      var r = node.getBoundingClientRect();
      var clash = shown.some(function (s) {
        return r.left < s.right && r.right > s.left && r.top < s.bottom && r.bottom > s.top;
      });
      if (clash) { node.classList.add("peta-label-tersembunyi"); } else { shown.push(r); }
    });
  }
  map.on("zoomend moveend", declutter);
  if (layer.getBounds().isValid()) { map.fitBounds(layer.getBounds(), { padding: [8, 8] }); }
  declutter();
  var legend = document.getElementById("peta-legenda-data");
  if (legend) {
    var items = JSON.parse(legend.textContent);
    var ctl = L.control({ position: "bottomright" });
    ctl.onAdd = function () {
      // A button that opens the legend: on a phone it starts closed, so it does not cover
      // the southern desa (issue 17).
      var div = L.DomUtil.create("div", "peta-legenda");
      var toggle = L.DomUtil.create("button", "btn btn-sm btn-light peta-legenda-tombol", div);
      toggle.type = "button";
      toggle.textContent = "Legenda";
      var list = L.DomUtil.create("div", "peta-legenda-isi", div);
      list.id = "peta-legenda-isi";
      toggle.setAttribute("aria-controls", list.id);
      var open = el.clientWidth >= 576;
      function set(state) {
        open = state;
        toggle.setAttribute("aria-expanded", String(open));
        list.classList.toggle("d-none", !open);
      }
      set(open);
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.on(toggle, "click", function () { set(!open); });
      items.forEach(function (it) {
        var row = L.DomUtil.create("div", "", list);
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
