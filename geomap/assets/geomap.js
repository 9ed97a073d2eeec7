/* geomap's browser half: builds the markers from a layer's rows, the side list, the country layers.
   Inlined into every map by geomap/render.py. Static code: nothing from the documents is pasted into it. */
var geomap = {
  ready: false,
  pending: 0,
  queue: [],
  hold: function () { geomap.pending++; },
  release: function () {
    if (--geomap.pending > 0) return;
    while (geomap.queue.length && !geomap.pending) geomap.queue.shift()();
  },
  later: function (fn) { if (geomap.pending) geomap.queue.push(fn); else fn(); },
  unpack: function (b64) {
    var bin = atob(b64), bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text().then(JSON.parse);
  },
  addPlaces: function (map, group, rows, label, opts) {
    if (typeof rows === "string") {  // a large layer: gzip + base64, unpacked off the parser's path
      geomap.hold();
      geomap.unpack(rows).then(function (r) { geomap.addPlaces(map, group, r, label, opts); })
        .catch(function (e) { console.error("geomap: cannot unpack a layer", e); })
        .then(geomap.release);
      return;
    }
    var index = map.geomapIndex || (map.geomapIndex = []);
    var renderer = opts.canvas ? L.canvas({padding: 0.5}) : undefined;
    var markers = new Array(rows.length);
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i];
      var m = L.circleMarker([r[0], r[1]], {radius: r[2], color: r[3], fillColor: r[3], weight: 2,
                                            fillOpacity: r[8] ? 0.15 : 0.55, dashArray: r[8] ? "4 4" : null,
                                            renderer: renderer});
      m.bindTooltip(r[4], {sticky: true});
      m.bindPopup(r[5], opts.popup);
      markers[i] = m;
      index.push({marker: m, group: group, name: r[6], count: r[7], layer: label});
    }
    if (group instanceof geomap.Proxy) { group.add(markers); }
    else { for (var j = 0; j < markers.length; j++) group.addLayer(markers[j]); }
  },
  // With clustering, every layer's markers go into one cluster group (clusters
  // merge across layers, and it is filled once, off the map: fast); each layer
  // is a Proxy that adds / removes its markers when toggled.
  Proxy: L.Layer.extend({
    initialize: function (cluster) { this.cluster = cluster; this.markers = []; this._in = true; },
    add: function (markers) {
      for (var i = 0; i < markers.length; i++) this.markers.push(markers[i]);
      this.cluster.addLayers(markers);
    },
    onAdd: function () { if (!this._in) { this.cluster.addLayers(this.markers); this._in = true; } },
    onRemove: function () { this.cluster.removeLayers(this.markers); this._in = false; }
  }),
  clusterRoot: function (map, opts) { map.geomapCluster = L.markerClusterGroup(opts); },
  proxy: function (map) { return new geomap.Proxy(map.geomapCluster); },
  showCluster: function (map) {
    geomap.later(function () {
      var cluster = map.geomapCluster, released = false;
      performance.mark("geomap:markers");
      geomap.hold();  // ready when the last chunk is clustered
      cluster.options.chunkProgress = function (done, total) {
        if (done >= total && !released) { released = true; geomap.release(); }
      };
      map.addLayer(cluster);
      if (!released && !cluster.options.chunkedLoading) { released = true; geomap.release(); }
    });
  },
  pane: function (map, name, zIndex) {
    var pane = map.getPane(name) || map.createPane(name);
    pane.style.zIndex = zIndex;
    return name;
  },
  outline: function (map, plain) {
    if (plain) map.getContainer().classList.add("geomap-plain");
    return L.geoJSON(geomap_countries, {
      pane: geomap.pane(map, "geomapOutline", 150), interactive: false,
      style: {color: "#8795a1", weight: 0.7, fillColor: "#f6f4ef", fillOpacity: 1}
    });
  },
  choropleth: function (map, counts) {
    return L.geoJSON(geomap_countries, {
      pane: geomap.pane(map, "geomapChoropleth", 350),
      filter: function (f) { return Object.prototype.hasOwnProperty.call(counts, f.properties.iso); },
      style: function (f) {
        return {color: "#555", weight: 0.6, fillColor: counts[f.properties.iso][0], fillOpacity: 0.6};
      },
      onEachFeature: function (f, layer) { layer.bindTooltip(counts[f.properties.iso][1], {sticky: true}); }
    });
  },
  show: function (map, e) {
    if (!map.hasLayer(e.group)) map.addLayer(e.group);
    if (e.group.cluster) {
      e.group.cluster.zoomToShowLayer(e.marker, function () { e.marker.openPopup(); });
    } else {
      map.setView(e.marker.getLatLng(), Math.max(map.getZoom(), 5), {animate: false});
      e.marker.openPopup();
    }
  },
  sideList: function (map, opts) { geomap.later(function () { geomap._sideList(map, opts); }); },
  _sideList: function (map, opts) {
    var entries = (map.geomapIndex || []).slice().sort(function (a, b) {
      return b.count - a.count || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    });
    var box = L.control({position: "topleft"});
    box.onAdd = function () {
      var div = L.DomUtil.create("div", "geomap-box geomap-places leaflet-control leaflet-bar");
      var details = L.DomUtil.create("details", "", div);
      if (opts.open) details.open = true;
      L.DomUtil.create("summary", "", details).textContent = "Places (" + entries.length + ")";
      var input = L.DomUtil.create("input", "", details);
      input.type = "search"; input.placeholder = "Filter places"; input.setAttribute("aria-label", "Filter places");
      var list = L.DomUtil.create("ol", "", details);
      var note = L.DomUtil.create("div", "geomap-more", details);
      function fill() {
        var q = input.value.trim().toLowerCase(), shown = 0, matched = 0;
        list.textContent = "";
        for (var i = 0; i < entries.length; i++) {
          var e = entries[i];
          if (q && e.name.toLowerCase().indexOf(q) < 0) continue;
          matched++;
          if (shown >= opts.limit) continue;
          shown++;
          var li = L.DomUtil.create("li", "geomap-place", list);
          li.tabIndex = 0;
          li.appendChild(document.createTextNode(e.name));
          L.DomUtil.create("span", "geomap-count", li).textContent = "(" + e.count + ")";
          if (opts.layers) L.DomUtil.create("span", "geomap-layer", li).textContent = e.layer;
          (function (e) {
            li.addEventListener("click", function () { geomap.show(map, e); });
            li.addEventListener("keydown", function (ev) { if (ev.key === "Enter") geomap.show(map, e); });
          })(e);
        }
        note.textContent = matched > shown ? (matched - shown) + " more: type to filter" : "";
      }
      input.addEventListener("input", fill);
      fill();
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    };
    box.addTo(map);
  },
  box: function (map, position, className, content) {
    var box = L.control({position: position});
    box.onAdd = function () {
      var div = L.DomUtil.create("div", "geomap-box " + className + " leaflet-control leaflet-bar");
      div.innerHTML = content;
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    };
    box.addTo(map);
  },
  done: function (map) {
    geomap.later(function () {
      geomap.ready = true;
      window.geomapReady = true;
      window.geomapReadyAt = performance.now();
    });
  }
};
