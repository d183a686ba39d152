// The rule editor: says at once whether the JSON parses and where it breaks, before the
// server checks the rule itself (fields, operators, lists) and names the bad path.
(function () {
  "use strict";
  var area = document.getElementById("rule-json");
  var status = document.getElementById("rule-json-status");
  if (!area || !status) return;
  function check() {
    try {
      JSON.parse(area.value);
      status.textContent = "";
      area.removeAttribute("aria-invalid");
    } catch (err) {
      status.textContent = "JSON: " + err.message;
      area.setAttribute("aria-invalid", "true");
    }
  }
  area.addEventListener("input", check);
  check();
})();
