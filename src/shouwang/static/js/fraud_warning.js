// The rule editor: says at once whether the JSON parses and where it breaks, before the
// server checks the rule itself (fields, operators, lists) and names the bad path. This is a
// hint only: the form is always sent, and the server's check (JSON included) decides.
// Browsers word their SyntaxError in English, each its own way, so only the position is read
// from it; the text shown is the page's translated one (data-msg-* on the status element).
(function () {
  "use strict";
  var area = document.getElementById("rule-json");
  var status = document.getElementById("rule-json-status");
  if (!area || !status) return;

  // Line and column (1-based) of the error, or null when the browser does not say where.
  function whereBroken(text, message) {
    var m = /line (\d+) column (\d+)/.exec(message); // Firefox, recent Chrome
    if (m) return { line: Number(m[1]), column: Number(m[2]) };
    m = /position (\d+)/.exec(message); // Chrome
    var at = m ? Number(m[1]) : /end of/i.test(message) ? text.length : -1;
    if (at < 0) return null;
    var lines = text.slice(0, at).split("\n");
    return { line: lines.length, column: lines[lines.length - 1].length + 1 };
  }

  // The translated message for the text, or "" when it parses.
  function problem(text) {
    if (!text.trim()) return status.dataset.msgEmpty;
    try {
      JSON.parse(text);
      return "";
    } catch (err) {
      var where = whereBroken(text, String(err.message));
      if (!where) return status.dataset.msgInvalid;
      return status.dataset.msgAt
        .replace("{line}", String(where.line))
        .replace("{column}", String(where.column));
    }
  }

  function check() {
    var message = problem(area.value);
    status.textContent = message;
    if (message) area.setAttribute("aria-invalid", "true");
    else area.removeAttribute("aria-invalid");
  }
  area.addEventListener("input", check);
  check();
})();
