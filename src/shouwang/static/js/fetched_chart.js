// An ECharts chart drawn from the page's own JSON endpoint (holder.dataset.src), once.
// A response that arrives after the page has started to leave is dropped: drawing then lays
// out a chart in a document being torn down, which ECharts reports as a script error (seen
// when a user, or a test, moves on while the graph is still loading).
window.shouwangFetchedChart = function (holder, draw) {
  "use strict";
  var leaving = false;
  var chart = null;
  var controller = typeof AbortController === "function" ? new AbortController() : null;
  window.addEventListener("pagehide", function () {
    leaving = true;
    if (controller) { controller.abort(); }
    // Stop the chart's frame loop too: a frame against a half-torn-down canvas also fails.
    if (chart) { chart.dispose(); }
  });
  fetch(holder.dataset.src, { credentials: "same-origin", signal: controller ? controller.signal : undefined })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      if (leaving) { return; }
      chart = echarts.init(holder, null, { renderer: "canvas" });
      window.addEventListener("resize", function () { chart.resize(); });
      draw(chart, data);
    })
    .catch(function (error) {
      if (!leaving) { throw error; }
    });
};
