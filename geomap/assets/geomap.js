/* geomap's browser half, inlined into every map by geomap/render.py.

   Static code: nothing from the documents is pasted into it. Places arrive as JSON
   rows whose HTML was escaped in Python; everything else is set with textContent.

   One marker per place. Each row lists the layers (articles, or group_by values)
   that name the place; switching a layer off recounts every marker, resizes it,
   and hides it when no shown layer names it. The panel (one button on a narrow
   screen) holds the layers with their colours, the key, the list of places and the
   names not placed. `geomap.ready` (and window.geomapReady) turn true only once
   every marker is built and clustered, the panel is wired and the view is still. */
var geomap = (function () {
  "use strict";
  var pending = 0, queue = [];
  var NARROW = 600;  // px: below this the panel starts closed and popups shrink to the screen

  function hold() { pending++; }
  function release() {
    if (--pending > 0) return;
    while (queue.length && !pending) queue.shift()();
  }
  /* Run fn once every packed layer is unpacked and every marker clustered. */
  function later(fn) { if (pending) queue.push(fn); else fn(); }

  function unpack(b64) {
    var bin = atob(b64), bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text().then(JSON.parse);
  }

  function plural(n, word) { return n.toLocaleString("en") + " " + word + (n === 1 ? "" : "s"); }

  function state(map) {
    return map.geomap || (map.geomap = {places: [], groups: [], visible: [], overlays: [], refresh: []});
  }

  function narrow(map) { return map.getSize().x < NARROW; }

  // --- markers ----------------------------------------------------------------------

  function radius(st, n, approx) {
    var r = st.opts.radius, px = Math.min(r[2], r[0] + r[1] * (Math.sqrt(Math.max(n, 1)) - 1));
    return approx ? px + 3 : px;  // an approximate ring goes round a dot at the same place
  }

  /* The outline of a marker: its colour darkened, so light colours stand out on a light map. */
  function darker(hex) {
    var n = parseInt(hex.slice(1), 16), k = 0.6;
    return "rgb(" + Math.round((n >> 16) * k) + "," + Math.round(((n >> 8) & 255) * k) + "," +
           Math.round((n & 255) * k) + ")";
  }

  function tooltip(e) { return e.nameHtml + " — " + plural(e.count, "mention"); }

  function places(map, rows, opts) {
    if (typeof rows === "string") {  // a large map: gzip + base64, unpacked off the parser's path
      hold();
      unpack(rows).then(function (r) { places(map, r, opts); })
        .catch(function (err) { console.error("geomap: cannot unpack the places", err); })
        .then(release);
      return;
    }
    var st = state(map);
    st.opts = opts;
    st.groups = opts.groups;
    st.visible = opts.groups.map(function () { return true; });
    // approximate markers sit in a pane under the others: a dot and its ring at one place stay apart
    var under = pane(map, "geomapApprox", 390);
    var renderers = opts.canvas ? [L.canvas({padding: 0.5}), L.canvas({padding: 0.5, pane: under})] : [];
    st.layer = opts.cluster ? L.markerClusterGroup(opts.cluster) : L.featureGroup();
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i];
      var e = {name: r[2], nameHtml: r[3], approx: !!r[4], color: r[5], header: r[6], entries: r[7],
               count: 0, shown: false};
      e.marker = L.circleMarker([r[0], r[1]], {
        renderer: renderers[e.approx ? 1 : 0], pane: e.approx ? under : "overlayPane", opacity: 1,
        weight: e.approx ? 2.5 : 1.5, fillOpacity: e.approx ? 0.12 : 0.6, dashArray: e.approx ? "5 4" : null,
        className: e.approx ? "geomap-approximate-marker" : "geomap-marker"
      });
      e.marker.geomapEntry = e;
      e.marker.bindTooltip("", {sticky: true});
      e.marker.on("click", function (ev) { open(map, ev.target.geomapEntry); });
      st.places.push(e);
    }
    recount(map);
    if (opts.cluster) {  // ready when the last chunk is clustered
      var released = false;
      hold();
      st.layer.options.chunkProgress = function (done, total) {
        if (done >= total && !released) { released = true; setTimeout(release, 0); }
      };
      map.addLayer(st.layer);
      if (!released && !st.layer.options.chunkedLoading) { released = true; release(); }
    } else {
      map.addLayer(st.layer);
    }
  }

  /* Count each marker's mentions in the shown layers; show, hide, resize and recolour. */
  function recount(map) {
    var st = state(map), add = [], remove = [];
    for (var i = 0; i < st.places.length; i++) {
      var e = st.places[i], n = 0, layers = 0, color = null;
      for (var j = 0; j < e.entries.length; j++) {
        var g = e.entries[j][0];
        if (st.visible[g]) { n += e.entries[j][1]; layers++; color = st.groups[g].color; }
      }
      if (e.color) color = e.color;
      else if (layers > 1) color = st.opts.several;
      e.count = n;
      if (n && !e.shown) add.push(e.marker);
      else if (!n && e.shown) remove.push(e.marker);
      e.shown = n > 0;
      if (n) {
        e.marker.setStyle({color: darker(color), fillColor: color});
        e.marker.setRadius(radius(st, n, e.approx));
        e.marker.setTooltipContent(tooltip(e));
      }
    }
    if (st.layer.addLayers) { st.layer.removeLayers(remove); st.layer.addLayers(add); }
    else {
      remove.forEach(function (m) { st.layer.removeLayer(m); });
      add.forEach(function (m) { st.layer.addLayer(m); });
    }
    if (st.popup && st.popup.isOpen()) {
      var open_ = st.popup.geomapEntry;
      if (open_.shown) st.popup.setContent(content(map, open_)); else map.closePopup(st.popup);
    }
    st.refresh.forEach(function (fn) { fn(); });
  }

  function setGroup(map, index, on) {
    var st = state(map);
    if (st.visible[index] === on) return;
    st.visible[index] = on;
    recount(map);
  }

  // --- popups -----------------------------------------------------------------------

  function content(map, e) {
    var st = state(map), parts = [e.header], shown = 0, more = 0, max = st.opts.maxArticles;
    for (var j = 0; j < e.entries.length; j++) {
      var entry = e.entries[j];
      if (!st.visible[entry[0]]) continue;
      if (shown < max) { parts.push(entry[3]); shown += entry[2]; } else { more += entry[2]; }
    }
    if (more) parts.push('<div class="geomap-more">… ' + plural(more, "more article") + "</div>");
    return '<div class="geomap-popup">' + parts.join("") + "</div>";
  }

  /* Popup size from the map's size now: never wider or taller than the screen allows, and
     panned clear of the controls (the panel's button above, an open panel at the right). */
  function popupOptions(map, e) {
    var st = state(map), size = map.getSize(), small = narrow(map);
    var width = Math.max(150, Math.min(400, size.x - (small ? 60 : 90)));
    var top = 10, right = 10;
    if (st.panel) {
      var box = st.panel.element.getBoundingClientRect(), mapBox = map.getContainer().getBoundingClientRect();
      if (st.panel.isOpen() && box.width < size.x / 2) right += box.width + 10;
      else top = Math.max(top, box.bottom - mapBox.top + 8);
    }
    return {
      maxWidth: width, minWidth: Math.min(220, width), maxHeight: Math.max(120, Math.min(340, size.y - top - 110)),
      autoPanPaddingTopLeft: [10, top], autoPanPaddingBottomRight: [right, 24],
      offset: [0, 7 - Math.round(e.marker.getRadius())], className: "geomap-popup-box"
    };
  }

  function open(map, e) {
    if (!e.shown) return null;
    var st = state(map);
    if (narrow(map) && st.panel) st.panel.close();
    var popup = L.popup(popupOptions(map, e)).setLatLng(e.marker.getLatLng()).setContent(content(map, e));
    popup.geomapEntry = e;
    st.popup = popup;
    e.marker.closeTooltip();
    popup.openOn(map);
    return popup;
  }

  /* Wait until no zoom or pan animation runs and no cluster animates, then call fn. */
  function idle(map, fn) {
    var st = state(map);
    (function check() {
      var busy = pending || map._animatingZoom || (map._panAnim && map._panAnim._inProgress) ||
                 (st.layer && st.layer._inZoomAnimation);
      if (busy) setTimeout(check, 20); else fn();
    })();
  }

  /* A side-list pick: zoom until the marker stands out of its cluster, then open its popup
     (a popup of its own, so no cluster redraw can close it). */
  function show(map, e) {
    idle(map, function () {
      var st = state(map), zoom = map.getZoom(), ll = e.marker.getLatLng();
      if (st.opts.cluster && e.marker.__parent) {
        zoom = Math.max(zoom, Math.min(e.marker.__parent._zoom + 1, map.getMaxZoom()));
      } else if (!st.opts.cluster) {
        zoom = Math.max(zoom, Math.min(5, map.getMaxZoom()));
      }
      map.setView(ll, zoom, {animate: false});
      open(map, e);
    });
  }

  // --- country layers ------------------------------------------------------------------

  function pane(map, name, zIndex) {
    var p = map.getPane(name) || map.createPane(name);
    p.style.zIndex = zIndex;
    return name;
  }

  var decoded = null;
  /* The country outlines, decoded once from the inlined TopoJSON (geomap_topology). */
  function countries() {
    return decoded || (decoded = topojson.feature(geomap_topology, geomap_topology.objects.countries));
  }

  function outline(map, plain) {
    if (plain) map.getContainer().classList.add("geomap-plain");
    return L.geoJSON(countries(), {
      pane: pane(map, "geomapOutline", 150), interactive: false,
      style: {color: "#8795a1", weight: 0.7, fillColor: "#f6f4ef", fillOpacity: 1}
    });
  }

  function choropleth(map, counts) {
    return L.geoJSON(countries(), {
      pane: pane(map, "geomapChoropleth", 350),
      filter: function (f) { return Object.prototype.hasOwnProperty.call(counts, f.properties.iso); },
      style: function (f) {
        return {color: "#555", weight: 0.6, fillColor: counts[f.properties.iso][0], fillOpacity: 0.6};
      },
      onEachFeature: function (f, layer) { layer.bindTooltip(counts[f.properties.iso][1], {sticky: true}); }
    });
  }

  /* A layer the panel can switch (heat map, choropleth), with its legend rows. */
  function overlay(map, label, layer, legend) {
    state(map).overlays.push({label: label, layer: layer, legend: legend || null});
  }

  // --- the panel -----------------------------------------------------------------------

  function el(tag, className, parent, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    if (parent) parent.appendChild(node);
    return node;
  }

  function swatch(parent, color, shape) {
    var i = el("i", "geomap-swatch" + (shape ? " geomap-" + shape : ""), parent);
    if (color) { i.style.background = shape === "ring" ? "transparent" : color; i.style.borderColor = color; }
    return i;
  }

  function section(body, className, title, open) {
    var d = el("details", "geomap-section " + className, body);
    d.open = !!open;
    el("summary", "", d, title);
    return d;
  }

  function groupsSection(map, body, opts) {
    var st = state(map);
    if (st.groups.length < 2) return;
    var d = section(body, "geomap-groups", opts.groupsTitle + " (" + st.groups.length + ")", true);
    var boxes = [];
    if (st.groups.length > 3) {
      var bar = el("div", "geomap-all", d);
      [["Show all", true], ["Hide all", false]].forEach(function (b) {
        var btn = el("button", "", bar, b[0]);
        btn.type = "button";
        btn.addEventListener("click", function () {
          for (var i = 0; i < st.visible.length; i++) { st.visible[i] = b[1]; boxes[i].checked = b[1]; }
          recount(map);
        });
      });
    }
    var list = el("ul", "", d);
    st.groups.forEach(function (g, i) {
      var label = el("label", "", el("li", "", list));
      var box = el("input", "", label);
      box.type = "checkbox"; box.checked = true;
      box.addEventListener("change", function () { setGroup(map, i, box.checked); });
      boxes.push(box);
      if (g.color) swatch(label, g.color);
      el("span", "geomap-label", label, g.label);
      if (g.date) el("span", "geomap-date", label, g.date);
    });
    if (st.opts.several) {
      var row = el("div", "geomap-note", d);
      swatch(row, st.opts.several);
      row.appendChild(document.createTextNode("named in several " + opts.groupsNoun));
    }
    if (opts.groupsNote) el("div", "geomap-note", d, opts.groupsNote);
  }

  function keySection(map, body, opts) {
    var d = section(body, "geomap-key", opts.legend ? opts.legend.title : "Key", !narrow(map));
    if (opts.legend) {
      var list = el("ul", "geomap-legend", d);
      opts.legend.rows.forEach(function (r) {
        var li = el("li", "", list);
        swatch(li, r[0]);
        li.appendChild(document.createTextNode(r[1]));
      });
    }
    el("div", "geomap-note", d, "Size: number of mentions");
    if (opts.approximate) {
      var row = el("div", "geomap-note", d);
      swatch(row, "#555", "ring");
      row.appendChild(document.createTextNode("dashed ring: placed approximately"));
    }
  }

  function overlaysSection(map, body) {
    var st = state(map);
    if (!st.overlays.length) return;
    var d = section(body, "geomap-overlays", "Layers", true);
    st.overlays.forEach(function (o) {
      var label = el("label", "", el("div", "", d));
      var box = el("input", "", label);
      box.type = "checkbox"; box.checked = map.hasLayer(o.layer);
      box.addEventListener("change", function () {
        if (box.checked) map.addLayer(o.layer); else map.removeLayer(o.layer);
      });
      el("span", "geomap-label", label, o.label);
      if (o.legend) {
        var list = el("ul", "geomap-legend geomap-scale", d);
        o.legend.forEach(function (r) {
          var li = el("li", "", list);
          swatch(li, r[0], "square");
          li.appendChild(document.createTextNode(r[1]));
        });
      }
    });
  }

  function placesSection(map, body, opts) {
    var st = state(map);
    var d = section(body, "geomap-places", "Places", opts.open && !narrow(map));
    var summary = d.querySelector("summary");
    var input = el("input", "", d);
    input.type = "search"; input.placeholder = "Filter places"; input.setAttribute("aria-label", "Filter places");
    var exact = el("ol", "geomap-exact", d);
    var approxTitle = el("div", "geomap-subtitle", d);
    var approx = el("ol", "geomap-approximate", d);
    var note = el("div", "geomap-more", d);

    function item(list, e) {
      var li = el("li", "geomap-place", list);
      li.tabIndex = 0;
      li.appendChild(document.createTextNode(e.name));
      el("span", "geomap-count", li, "(" + e.count + ")");
      li.addEventListener("click", function () { show(map, e); });
      li.addEventListener("keydown", function (ev) { if (ev.key === "Enter") show(map, e); });
    }

    function fill() {
      var q = input.value.trim().toLowerCase(), shown = 0, matched = 0, total = 0, nApprox = 0;
      var entries = st.places.filter(function (e) { return e.shown; }).sort(function (a, b) {
        return b.count - a.count || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
      });
      exact.textContent = ""; approx.textContent = "";
      for (var i = 0; i < entries.length; i++) {
        var e = entries[i];
        total++;
        if (e.approx) nApprox++;
        if (q && e.name.toLowerCase().indexOf(q) < 0) continue;
        matched++;
        if (shown >= opts.limit) continue;
        shown++;
        item(e.approx ? approx : exact, e);
      }
      summary.textContent = "Places (" + total + ")";
      approxTitle.textContent = nApprox ? "Placed approximately (" + nApprox + ")" : "";
      approxTitle.style.display = approx.firstChild ? "" : "none";
      note.textContent = matched > shown ? (matched - shown) + " more: type to filter" : "";
    }

    input.addEventListener("input", fill);
    st.refresh.push(fill);
    fill();
  }

  function unplacedSection(body, rows, labelled) {
    var total = 0;
    rows.forEach(function (r) { total += r[1].length; });
    var d = section(body, "geomap-unplaced", "Not placed: " + plural(total, "name"), false);
    var list = el("ul", "", d);
    rows.forEach(function (r) {
      var li = el("li", "", list);
      if (labelled) { el("b", "", li, r[0]); li.appendChild(document.createTextNode(": ")); }
      li.appendChild(document.createTextNode(r[1].map(function (n) {
        return n[0] + (n[1] > 1 ? " ×" + n[1] : "");
      }).join(", ")));
    });
  }

  function panel(map, opts) { later(function () { buildPanel(map, opts); }); }

  function buildPanel(map, opts) {
    var st = state(map);
    var control = L.control({position: "topright"});
    control.onAdd = function () {
      var div = L.DomUtil.create("div", "geomap-panel leaflet-control leaflet-bar");
      var button = el("button", "geomap-toggle", div);
      button.type = "button";
      button.setAttribute("aria-label", "Show or hide the map key and the list of places");
      el("span", "geomap-burger", button, "☰");
      el("span", "", button, " " + opts.button);
      var body = el("div", "geomap-body", div);
      groupsSection(map, body, opts);
      keySection(map, body, opts);
      overlaysSection(map, body);
      if (opts.list) placesSection(map, body, opts);
      if (opts.unplaced && opts.unplaced.length) unplacedSection(body, opts.unplaced, st.groups.length > 1);
      function set(open) {
        div.classList.toggle("geomap-open", open);
        button.setAttribute("aria-expanded", open ? "true" : "false");
      }
      button.addEventListener("click", function () { set(!div.classList.contains("geomap-open")); });
      set(!narrow(map));
      st.panel = {close: function () { set(false); }, open: function () { set(true); }, element: div,
                  isOpen: function () { return div.classList.contains("geomap-open"); }};
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    };
    control.addTo(map);
  }

  // --- page --------------------------------------------------------------------------

  /* The first view: fit the places at once (no animation to race the markers). */
  function view(map, bounds, options) {
    options.animate = false;
    state(map).view = {bounds: bounds, options: options};
    map.fitBounds(bounds, options);
  }

  /* Fit again once the panel is there, so an open panel does not hide places. */
  function refit(map) {
    var st = state(map), v = st.view, size = map.getSize();
    if (!v || !st.panel || !st.panel.element.classList.contains("geomap-open")) return;
    var width = st.panel.element.offsetWidth + 10, pad = v.options.padding || [0, 0];
    if (width > size.x / 2) return;
    map.fitBounds(v.bounds, {paddingTopLeft: pad, paddingBottomRight: [pad[0] + width, pad[1]],
                             maxZoom: v.options.maxZoom, animate: false});
  }

  function layout(map) {
    var container = map.getContainer();
    function set() {
      container.classList.toggle("geomap-narrow", narrow(map));
      container.style.setProperty("--geomap-height", map.getSize().y + "px");
    }
    set();
    map.on("resize", set);
    var attribution = container.querySelector(".leaflet-control-attribution");
    if (attribution) {  // on a narrow screen one line; a tap shows all of it
      attribution.addEventListener("click", function () { attribution.classList.toggle("geomap-full"); });
    }
  }

  function done(map) {
    layout(map);
    later(function () {
      refit(map);
      idle(map, function () {
        geomap.ready = true;
        window.geomapReady = true;
        window.geomapReadyAt = performance.now();
        map.fire("geomap:ready");
      });
    });
  }

  /* For snapshots: no controls, and no credit for tiles that did not load. */
  function exportMode(map) {
    var v = state(map).view;
    map.getContainer().classList.add("geomap-export");
    if (v) map.fitBounds(v.bounds, v.options);  // the panel is gone: fit the places to the whole page
    if (map.attributionControl && !map.getContainer().querySelector(".leaflet-tile-loaded")) {
      map.eachLayer(function (layer) {
        if (layer instanceof L.TileLayer) {
          map.attributionControl.removeAttribution(layer.getAttribution());
          map.removeLayer(layer);
        }
      });
    }
  }

  return {
    ready: false, places: places, recount: recount, setGroup: setGroup, open: open, show: show, idle: idle,
    outline: outline, choropleth: choropleth, overlay: overlay, panel: panel, view: view, done: done,
    exportMode: exportMode, content: content
  };
})();
