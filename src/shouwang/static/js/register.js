/* The phone registration form: "use my location", the picked point's read-out, photo previews. */
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    var mapEl = document.getElementById("pick-map");
    var coords = document.getElementById("pick-coords");
    var locate = document.getElementById("locate-me");
    var clearBtn = document.getElementById("clear-point");

    if (mapEl && coords) {
      mapEl.addEventListener("shouwang:picked", function (e) {
        if (e.detail) {
          coords.textContent = e.detail.lat.toFixed(5) + ", " + e.detail.lon.toFixed(5);
          coords.classList.remove("muted");
          if (clearBtn) { clearBtn.hidden = false; }
        } else {
          coords.textContent = coords.dataset.empty;
          coords.classList.add("muted");
          if (clearBtn) { clearBtn.hidden = true; }
        }
      });
    }
    if (clearBtn && mapEl) {
      clearBtn.addEventListener("click", function () {
        if (mapEl.shouwangPick) { mapEl.shouwangPick.clear(); }
      });
    }

    // Geolocation needs a secure context; on plain http it is simply not offered.
    if (locate && mapEl && navigator.geolocation && window.isSecureContext) {
      locate.hidden = false;
      var label = locate.textContent;
      locate.addEventListener("click", function () {
        locate.disabled = true;
        locate.textContent = locate.dataset.busy;
        navigator.geolocation.getCurrentPosition(
          function (pos) {
            locate.disabled = false;
            locate.textContent = label;
            if (mapEl.shouwangPick) {
              mapEl.shouwangPick.set(pos.coords.latitude, pos.coords.longitude, true);
            }
          },
          function () {
            locate.disabled = false;
            locate.textContent = label;
            coords.textContent = locate.dataset.failed;
          },
          { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
        );
      });
    }

    var input = document.querySelector("#register-form input[type=file]");
    var preview = document.getElementById("photo-preview");
    if (input && preview) {
      input.addEventListener("change", function () {
        preview.textContent = "";
        Array.prototype.forEach.call(input.files, function (file) {
          var item = document.createElement("figure");
          if (file.type.indexOf("image/") === 0) {
            var img = document.createElement("img");
            img.src = URL.createObjectURL(file);
            img.onload = function () { URL.revokeObjectURL(img.src); };
            item.appendChild(img);
          }
          var cap = document.createElement("figcaption");
          cap.textContent = file.name;
          item.appendChild(cap);
          preview.appendChild(item);
        });
      });
    }

    // One tap on submit is enough: a second would register the hazard twice.
    var form = document.getElementById("register-form");
    if (form) {
      form.addEventListener("submit", function () {
        var button = form.querySelector("button[type=submit]");
        if (button) { setTimeout(function () { button.disabled = true; }, 0); }
      });
    }
  });
})();
