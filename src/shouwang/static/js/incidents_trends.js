// The trend page's chart: counts per period against the same periods a year earlier, drawn
// with the vendored ECharts from the data the page embeds (no request, works offline).
(function () {
  "use strict";

  function draw() {
    var holder = document.getElementById("trend-chart");
    var source = document.getElementById("trend-chart-data");
    if (!holder || !source || typeof echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var chart = echarts.init(holder, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      color: ["#1f5fbf", "#9aa5b8"],
      tooltip: { trigger: "axis" },
      legend: { data: [data.names.current, data.names.last_year], top: 0 },
      grid: { left: 40, right: 16, top: 36, bottom: 56 },
      xAxis: { type: "category", data: data.labels, axisLabel: { rotate: 45 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: data.names.current, type: "bar", data: data.current, barMaxWidth: 24 },
        { name: data.names.last_year, type: "line", data: data.last_year, symbolSize: 5 }
      ]
    });
    holder.dataset.ready = "true";
    window.addEventListener("resize", function () { chart.resize(); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
