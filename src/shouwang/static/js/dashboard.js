// The unit dashboard's weekly trend: found vs closed per ISO week, drawn with the vendored
// ECharts from the data the page embeds with json_script (no request, works offline).
(function () {
  "use strict";

  function draw() {
    var holder = document.getElementById("dashboard-trend");
    var source = document.getElementById("dashboard-trend-data");
    if (!holder || !source || typeof echarts === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var chart = echarts.init(holder, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      color: ["#1f5fbf", "#2e7d32"],
      tooltip: {
        trigger: "axis",
        formatter: function (items) {
          var i = items[0].dataIndex;
          var lines = [data.weeks[i] + " (" + data.mondays[i] + ")"];
          items.forEach(function (item) {
            lines.push(item.marker + item.seriesName + ": " + item.value);
          });
          return lines.join("<br>");
        },
      },
      legend: { data: [data.labels.found, data.labels.closed], top: 0 },
      grid: { left: 40, right: 16, top: 36, bottom: 48 },
      xAxis: {
        type: "category",
        data: data.weeks,
        axisLabel: { rotate: data.weeks.length > 12 ? 45 : 0 },
      },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: data.labels.found, type: "bar", data: data.found, barMaxWidth: 28 },
        {
          name: data.labels.closed,
          type: "line",
          data: data.closed,
          symbolSize: 7,
          lineStyle: { width: 3 },
        },
      ],
    });
    window.addEventListener("resize", function () {
      chart.resize();
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
