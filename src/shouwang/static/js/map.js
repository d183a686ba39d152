/* Shouwang maps: the hazard map, the point picker of the registration form and the mini map
 * of a hazard's page. No tiles by default: the jurisdictions' own areas are the basemap; a
 * deployment may configure a tile server (MAP_TILE_URL). */
(function () {
  "use strict";

  var GRADE_COLOURS = { major: "#c62828", significant: "#ef6c00", general: "#f9a825" };
  var NONE_COLOUR = "#8a93a3";

  function gradeColour(grade) {
    return GRADE_COLOURS[grade] || NONE_COLOUR;
  }

  function baseMap(el) {
    var map = L.map(el, { zoomControl: false, attributionControl: false, preferCanvas: true });
    // Leaflet's own zoom buttons say "Zoom in" in every language: the page gives the words.
    var words = document.documentElement.dataset;
    L.control.zoom({ zoomInTitle: words.zoomIn || "+", zoomOutTitle: words.zoomOut || "-" }).addTo(map);
    var tiles = el.dataset.tileUrl;
    if (tiles) {
      L.tileLayer(tiles, { maxZoom: 19 }).addTo(map);
    }
    map.setView([35.0, 105.0], 4);
    return map;
  }

  function loadUnits(map, url, fit) {
    if (!url) {
      return Promise.resolve(null);
    }
    return fetch(url, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data || !data.features || !data.features.length) {
          return null;
        }
        var layer = L.geoJSON(data, {
          style: function () {
            return { color: "#4a6fa5", weight: 1.2, fillColor: "#dfe8f5", fillOpacity: 0.45 };
          },
          onEachFeature: function (feature, lyr) {
            lyr.bindTooltip(feature.properties.name, { sticky: true, direction: "top" });
          },
          interactive: true
        }).addTo(map);
        layer.bringToBack();
        if (fit) {
          map.fitBounds(layer.getBounds(), { padding: [12, 12] });
        }
        return layer;
      })
      .catch(function () { return null; });
  }

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  function hazardMap(el) {
    var map = baseMap(el);
    var status = document.getElementById("map-status");
    var legend = document.getElementById("map-legend");
    if (legend) {
      var control = L.control({ position: "bottomright" });
      control.onAdd = function () {
        var box = L.DomUtil.create("div", "leaflet-control");
        box.appendChild(legend.content.cloneNode(true));
        return box;
      };
      control.addTo(map);
    }
    var unitsLoaded = loadUnits(map, el.dataset.unitsUrl, true);
    fetch(el.dataset.geojsonUrl, { credentials: "same-origin" })
      .then(function (r) {
        if (!r.ok) { throw new Error(String(r.status)); }
        return r.json();
      })
      .then(function (data) {
        var layer = L.geoJSON(data, {
          pointToLayer: function (feature, latlng) {
            var p = feature.properties;
            return L.circleMarker(latlng, {
              radius: 7,
              color: p.overdue ? "#7f0000" : "#ffffff",
              weight: p.overdue ? 3 : 1.5,
              fillColor: gradeColour(p.grade),
              fillOpacity: 0.95
            });
          },
          onEachFeature: function (feature, lyr) {
            var p = feature.properties;
            lyr.bindPopup(
              "<div class=\"popup\"><div class=\"muted\">" + escapeHtml(p.reference) + " · " +
              escapeHtml(p.grade_label) + " · " + escapeHtml(p.state_label) + "</div><strong>" +
              escapeHtml(p.title) + "</strong><br><a href=\"" + encodeURI(p.url) + "\">" +
              escapeHtml(el.dataset.msgOpen) + "</a></div>"
            );
          }
        }).addTo(map);
        if (status) {
          var text = el.dataset.msgCount.replace("%(count)s", data.features.length);
          status.textContent = data.truncated ? text + " · " + el.dataset.msgTruncated : text;
        }
        unitsLoaded.then(function (units) {
          if (!units && data.features.length) {
            map.fitBounds(layer.getBounds(), { padding: [24, 24], maxZoom: 15 });
          }
        });
      })
      .catch(function () {
        if (status) { status.textContent = el.dataset.msgError; }
      });
  }

  function pickMap(el) {
    var map = baseMap(el);
    var latInput = document.getElementById(el.dataset.latInput);
    var lonInput = document.getElementById(el.dataset.lonInput);
    var marker = null;

    function set(lat, lon, pan) {
      lat = Math.round(lat * 1e6) / 1e6;
      lon = Math.round(lon * 1e6) / 1e6;
      latInput.value = lat;
      lonInput.value = lon;
      if (marker) {
        marker.setLatLng([lat, lon]);
      } else {
        marker = L.circleMarker([lat, lon], {
          radius: 9, color: "#ffffff", weight: 2, fillColor: "#1f5fbf", fillOpacity: 1
        }).addTo(map);
      }
      if (pan) { map.setView([lat, lon], Math.max(map.getZoom(), 15)); }
      el.dispatchEvent(new CustomEvent("shouwang:picked", { detail: { lat: lat, lon: lon } }));
    }

    function clear() {
      latInput.value = "";
      lonInput.value = "";
      if (marker) { map.removeLayer(marker); marker = null; }
      el.dispatchEvent(new CustomEvent("shouwang:picked", { detail: null }));
    }

    map.on("click", function (e) { set(e.latlng.lat, e.latlng.lng, false); });
    var had = latInput.value && lonInput.value;
    loadUnits(map, el.dataset.unitsUrl, !had).then(function (units) {
      if (units) {
        units.on("click", function (e) { set(e.latlng.lat, e.latlng.lng, false); });
      }
    });
    if (had) {
      set(parseFloat(latInput.value), parseFloat(lonInput.value), true);
    }
    el.shouwangPick = { set: set, clear: clear };
  }

  function pointMap(el) {
    var map = baseMap(el);
    var lat = parseFloat(el.dataset.lat);
    var lon = parseFloat(el.dataset.lon);
    loadUnits(map, el.dataset.unitsUrl, false);
    L.circleMarker([lat, lon], {
      radius: 8, color: "#ffffff", weight: 2, fillColor: gradeColour(el.dataset.grade), fillOpacity: 1
    }).addTo(map);
    map.setView([lat, lon], 15);
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof L === "undefined") { return; }
    var el = document.getElementById("hazard-map");
    if (el) { hazardMap(el); }
    el = document.getElementById("pick-map");
    if (el) { pickMap(el); }
    el = document.getElementById("mini-map");
    if (el) { pointMap(el); }
  });
})();
