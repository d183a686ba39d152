// The report's indicator network: reports and the phones, accounts and sites they share,
// drawn with the vendored ECharts from the page's own JSON endpoint (works offline).
(function () {
  "use strict";
  var holder = document.getElementById("af-network");
  if (!holder || typeof echarts === "undefined") {
    return;
  }
  window.shouwangFetchedChart(holder, function (chart, graph) {
    var nodes = graph.nodes.map(function (n) {
      var isReport = n.category === 0;
      return {
        id: n.id, name: n.name, category: n.category, url: n.url,
        symbolSize: n.centre ? 34 : (isReport ? 22 : 14 + Math.min(n.reports || 1, 10)),
        symbol: isReport ? "roundRect" : "circle",
        itemStyle: n.confirmed ? { borderColor: "#b42318", borderWidth: 3 } : undefined,
        // Beside the node, in dark text: a reference does not fit inside a report's square.
        label: { show: true, fontSize: 10, position: "right", color: "#1d2939" },
        tooltip: { formatter: (n.kind ? n.kind + " " : "") + n.name }
      };
    });
    chart.setOption({
      animation: false,
      tooltip: {},
      legend: [{ data: [holder.dataset.reportLabel || "报案", holder.dataset.indicatorLabel || "线索"], left: 0, top: 0 }],
      series: [{
        type: "graph", layout: "force", roam: true, draggable: true,
        top: 40, // below the legend, so no node is laid out over it
        force: { repulsion: 320, edgeLength: [60, 140] }, zoom: 1.4,
        categories: [{ name: holder.dataset.reportLabel || "报案" }, { name: holder.dataset.indicatorLabel || "线索" }],
        data: nodes, links: graph.links, lineStyle: { color: "#98a2b3" }
      }]
    });
    chart.on("click", function (p) { if (p.data && p.data.url) { window.location = p.data.url; } });
  });
})();
