/* Draws the village map's layers from one JSON payload (built by app/maps/build.py).
   Every name reaches the page through textContent, never innerHTML: a village called
   "<img src=x onerror=alert(1)>" or "${alert(1)}" shows as those characters. */
(function () {
  "use strict";

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function percent(rate, labels) {
    return rate === null ? labels.noRate : (rate * 100).toFixed(1) + " %";
  }

  function fraction(num, den, labels) {
    return num === null || den === null ? labels.noRate : num + " / " + den;
  }

  function popup(title, rows, link) {
    var box = el("div", null, "cj-popup");
    box.appendChild(el("strong", title));
    var list = el("dl");
    rows.forEach(function (row) {
      list.appendChild(el("dt", row[0]));
      list.appendChild(el("dd", row[1]));
    });
    box.appendChild(list);
    if (link) {
      var a = el("a", link[0]);
      a.href = link[1];
      box.appendChild(a);
    }
    return box;
  }

  // The township chosen in the filter: fit its area, else its villages and seat.
  function zoomToFocus(map, data, real, demo) {
    if (data.focus === null || data.focus === undefined) return;
    var L_ = window.L, bounds = L_.latLngBounds([]);
    if (data.boundaries) {
      data.boundaries.features.forEach(function (f) {
        if (f.properties.i === data.focus) bounds.extend(L_.geoJSON(f).getBounds());
      });
    }
    var t = data.townships[data.focus];
    if (t && t.seat) bounds.extend(t.seat);
    [real, demo].forEach(function (group) {
      group.eachLayer(function (m) { bounds.extend(m.getLatLng()); });
    });
    if (!bounds.isValid()) return;
    if (bounds.getNorthEast().equals(bounds.getSouthWest())) map.setView(bounds.getCenter(), 12);
    else map.fitBounds(bounds, { padding: [20, 20], maxZoom: 13 });
    map.cunjianFocused = true;
  }

  window.cunjianDrawMap = function (map, data) {
    var L_ = window.L, labels = data.labels, statuses = data.statuses;
    var renderer = data.canvas ? L_.canvas({ padding: 0.3 }) : L_.svg();
    var colour = function (i) { return data.colours[statuses[i]]; };
    var statusLabel = function (i) { return labels.status[statuses[i]]; };

    function townshipPopup(t) {
      return popup(t.name, [
        [labels.status_, statusLabel(t.status)],
        [labels.rate, percent(t.rate, labels)],
        [labels.fraction, fraction(t.num, t.den, labels)],
        [labels.target, t.target === null ? labels.noTarget : percent(t.target, labels)],
        [labels.villagesReported, t.reported + " / " + t.total]
      ]);
    }

    // Township names stay on the map (not only on hover), small and centred on the seat/area.
    var nameLabel = { permanent: true, direction: "center", className: "cj-township-label" };
    var townships = L_.layerGroup();
    if (data.boundaries) {
      L_.geoJSON(data.boundaries, {
        style: function (f) {
          var t = data.townships[f.properties.i];
          return { color: "#555", weight: 1, fillColor: colour(t.status), fillOpacity: 0.35,
                   className: "cj-township-area" };
        },
        onEachFeature: function (f, layer) {
          var t = data.townships[f.properties.i];
          layer.bindTooltip(function () { return el("span", t.name); }, nameLabel);
          layer.bindPopup(function () { return townshipPopup(t); });
        }
      }).addTo(townships);
    } else {
      data.townships.forEach(function (t) {
        if (!t.seat) return;
        L_.circleMarker(t.seat, {
          radius: 6 + 3 * Math.sqrt(t.total), color: "#444", weight: 1,
          fillColor: colour(t.status), fillOpacity: 0.35, className: "cj-township"
        }).bindTooltip(function () { return el("span", t.name); }, nameLabel)
          .bindPopup(function () { return townshipPopup(t); }).addTo(townships);
      });
    }
    townships.addTo(map);

    var real = L_.layerGroup(), demo = L_.layerGroup(), cols = data.villages;
    var isDemo = {}, isGps = {};
    data.demo.forEach(function (i) { isDemo[i] = true; });
    (data.gps || []).forEach(function (i) { isGps[i] = true; });
    var problemOf = {};  // villages with a problem not closed: a thick ring, red when overdue
    ["open", "overdue"].forEach(function (kind) {
      ((data.problems || {})[kind] || []).forEach(function (i) { problemOf[i] = kind; });
    });
    function codeOf(i) {  // a number is the 3-digit suffix of the township's 9-digit code
      var c = cols.code[i];
      return typeof c === "number" ? data.townshipCodes[cols.township[i]] + ("00" + c).slice(-3) : c;
    }
    cols.lat.forEach(function (lat, i) {
      var code = codeOf(i), status = cols.status[i], name = cols.name[i];
      var target = data.targets[cols.target[i]];
      var marker = L_.circleMarker([lat / 1e5, cols.lon[i] / 1e5], {
        // placed by an inspector's GPS fix (unconfirmed): a purple ring, dashed; a problem not
        // closed: a thick ring, orange (red when overdue)
        renderer: renderer, radius: 6, weight: problemOf[i] ? 3.5 : isGps[i] ? 2.5 : 1.5,
        color: problemOf[i] === "overdue" ? "#b00020" : problemOf[i] ? "#e67e00" : isGps[i] ? "#7b3294" : "#333",
        fillColor: colour(status), fillOpacity: 0.95, dashArray: isDemo[i] ? "2 2" : isGps[i] ? "3 2" : null,
        className: "cj-village cj-v-" + code + " cj-s-" + statuses[status] + (isGps[i] ? " cj-gps" : "") +
          (problemOf[i] ? " cj-p-" + problemOf[i] : "")
      });
      marker.bindTooltip(function () { return el("span", name); });
      marker.bindPopup(function () {
        var rows = [
          [labels.township, data.townshipNames[cols.township[i]]],
          [labels.status_, statusLabel(status)],
          [labels.rate, percent(cols.rate[i], labels)],
          [labels.fraction, fraction(cols.num[i], cols.den[i], labels)],
          [labels.target, target === null ? labels.noTarget : percent(target, labels)]
        ];
        if (isDemo[i]) rows.push([labels.demo, labels.demoNote]);
        if (isGps[i]) rows.push([labels.position, labels.gpsNote]);
        return popup(name, rows, [labels.villagePage, data.villageUrl + code]);
      });
      marker.addTo(isDemo[i] ? demo : real);
    });
    real.addTo(map);
    var overlays = {};
    overlays[labels.layerTownships] = townships;
    overlays[labels.layerVillages] = real;
    if (demo.getLayers().length) {
      demo.addTo(map);
      overlays[labels.layerDemo] = demo;
    }
    // One layer per kind of registered site (issue 23); a lagging site ringed red, its reason
    // in the popup. Text goes in with textContent only (el), as for the villages.
    (data.sites || []).forEach(function (kind, k) {
      var group = L_.layerGroup(), fill = ["#6a3d9a", "#1f78b4", "#525252", "#b15928"][k % 4];
      kind.sites.forEach(function (s) {
        var safe = String(s.code).replace(/[^A-Za-z0-9_-]/g, "_");
        var marker = L_.circleMarker([s.lat / 1e5, s.lon / 1e5], {
          renderer: renderer, radius: 5, weight: s.lagging ? 3.5 : 1.5,
          color: s.lagging ? "#b00020" : "#333", fillColor: fill, fillOpacity: 0.9,
          className: "cj-site cj-site-" + kind.key + " cj-site-c-" + safe + (s.lagging ? " cj-lagging" : "")
        });
        marker.bindTooltip(function () { return el("span", s.name); });
        marker.bindPopup(function () {
          var rows = [[labels.siteKind, kind.label]];
          if (s.lagging) rows.push([labels.siteState, s.reason]);
          return popup(s.name, rows, [labels.sitePage, data.siteUrl + encodeURIComponent(s.code)]);
        });
        marker.addTo(group);
      });
      group.addTo(map);
      overlays[kind.label] = group;
    });
    L_.control.layers(null, overlays, { collapsed: false }).addTo(map);
    zoomToFocus(map, data, real, demo);
    window.cunjianMap = { map: map, villages: real, demo: demo, townships: townships };
  };
})();
