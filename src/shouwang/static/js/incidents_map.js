/* Incident maps: incidents and forecast hotspot cells over the stations' own areas (the
 * basemap when no tile server is configured), and the patrol page's areas and response
 * coverage. Data comes as GeoJSON from the URLs in the element's data attributes. */
(function () {
  "use strict";

  var GROUP_COLOURS = {
    criminal: "#b71c1c", public_order: "#6a1b9a", traffic: "#1565c0", dispute: "#ef6c00",
    help: "#2e7d32", fire: "#d84315"
  };
  var REACH_COLOURS = { 5: "#1b9e77", 15: "#a6d96a", 0: "#f0f0f0" };

  function getJson(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { throw new Error(String(r.status)); }
      return r.json();
    });
  }

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  function baseMap(el) {
    var map = L.map(el, { zoomControl: false, attributionControl: false, preferCanvas: true });
    // Leaflet's own zoom buttons say "Zoom in" in every language: the page gives the words.
    var words = document.documentElement.dataset;
    L.control.zoom({ zoomInTitle: words.zoomIn || "+", zoomOutTitle: words.zoomOut || "-" }).addTo(map);
    if (el.dataset.tileUrl) { L.tileLayer(el.dataset.tileUrl, { maxZoom: 19 }).addTo(map); }
    map.setView([35.0, 105.0], 4);
    return map;
  }

  function boundaries(map, url) {
    return getJson(url).then(function (data) {
      var layer = L.geoJSON(data, {
        style: function () {
          return { color: "#4a6fa5", weight: 1.5, fillColor: "#dfe8f5", fillOpacity: 0.5 };
        },
        onEachFeature: function (f, lyr) {
          lyr.bindTooltip(f.properties.name, { sticky: true, direction: "top" });
        }
      }).addTo(map);
      layer.bringToBack();
      if (data.features.length) { map.fitBounds(layer.getBounds(), { padding: [12, 12] }); }
      return layer;
    });
  }

  function legend(map) {
    var template = document.getElementById("map-legend");
    if (!template) { return; }
    var control = L.control({ position: "bottomright" });
    control.onAdd = function () {
      var box = L.DomUtil.create("div", "leaflet-control");
      box.appendChild(template.content.cloneNode(true));
      return box;
    };
    control.addTo(map);
  }

  function cells(map, data, el) {
    return L.geoJSON(data, {
      style: function (f) {
        // The outline is in pixels: at the whole city's zoom a cell is a few pixels wide and
        // its outline is what keeps it visible.
        var top = f.properties.rank <= 10;
        // Yellow: no incident category has it, so a cell never reads as an incident.
        return { color: "#d9a400", weight: top ? 3 : 2, fillColor: "#ffd400", fillOpacity: top ? 0.85 : 0.6 };
      },
      onEachFeature: function (f, lyr) {
        var p = f.properties;
        lyr.bindPopup("<div class=\"popup\">" + escapeHtml(el.dataset.msgRank) + " " + p.rank +
          "<br>" + escapeHtml(el.dataset.msgShare) + " " + (p.risk_share * 100).toFixed(2) + "%" +
          (p.station ? "<br>" + escapeHtml(p.station) : "") + "</div>");
      }
    }).addTo(map);
  }

  function incidentMap(el) {
    var map = baseMap(el);
    var status = document.getElementById("map-status");
    var parts = [];
    var cellLayer = null;
    legend(map);
    boundaries(map, el.dataset.boundariesUrl).then(function () {
      return getJson(el.dataset.forecastUrl);
    }).then(function (data) {
      cellLayer = cells(map, data, el);
      parts.push(el.dataset.msgCells.replace("%(count)s", data.features.length));
      return getJson(el.dataset.incidentsUrl);
    }).then(function (data) {
      L.geoJSON(data, {
        pointToLayer: function (f, latlng) {
          return L.circleMarker(latlng, {
            radius: 4, color: "#ffffff", weight: 1, fillOpacity: 0.9,
            fillColor: GROUP_COLOURS[f.properties.group] || "#1f5fbf"
          });
        },
        onEachFeature: function (f, lyr) {
          var p = f.properties;
          lyr.bindPopup("<div class=\"popup\"><strong>" + escapeHtml(p.category) + "</strong><br>" +
            escapeHtml(p.occurred_at.slice(0, 16).replace("T", " ")) + "</div>");
        }
      }).addTo(map);
      // Forecast cells above the incidents: hundreds of dots would hide them.
      if (cellLayer) { cellLayer.bringToFront(); }
      var text = el.dataset.msgCount.replace("%(count)s", data.features.length);
      parts.unshift(data.truncated ? text + " · " + el.dataset.msgTruncated : text);
      if (status) { status.textContent = parts.join(" · "); }
      el.dataset.ready = "true";
    }).catch(function () {
      if (status) { status.textContent = el.dataset.msgError; }
      el.dataset.ready = "error";
    });
  }

  function patrolMap(el) {
    var map = baseMap(el);
    legend(map);
    var pointsInput = document.getElementById(el.dataset.pointsInput);
    boundaries(map, el.dataset.boundariesUrl).then(function () {
      return getJson(el.dataset.coverageUrl);
    }).then(function (data) {
      L.geoJSON(data, {
        style: function (f) {
          return { stroke: false, fillColor: REACH_COLOURS[f.properties.minutes], fillOpacity: 0.55 };
        }
      }).addTo(map);
      return getJson(el.dataset.areasUrl);
    }).then(function (data) {
      cells(map, data, el);
      JSON.parse(el.dataset.points || "[]").forEach(function (p) {
        L.circleMarker([p[0], p[1]], { radius: 7, color: "#fff", weight: 2, fillColor: "#1f5fbf", fillOpacity: 1 }).addTo(map);
      });
      el.dataset.ready = "true";
    }).catch(function () { el.dataset.ready = "error"; });
    if (pointsInput) {
      // A click adds a patrol point to the form; the commander re-submits to see its reach.
      map.on("click", function (e) {
        var text = e.latlng.lat.toFixed(5) + "," + e.latlng.lng.toFixed(5);
        pointsInput.value = pointsInput.value ? pointsInput.value + ";" + text : text;
        L.circleMarker(e.latlng, { radius: 6, color: "#1f5fbf", weight: 2, fillOpacity: 0 }).addTo(map);
      });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof L === "undefined") { return; }
    var el = document.getElementById("incident-map");
    if (el) { incidentMap(el); }
    el = document.getElementById("patrol-map");
    if (el) { patrolMap(el); }
  });
})();
