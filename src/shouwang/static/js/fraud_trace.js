// A trace's fund flow as a directed graph, drawn with the vendored ECharts from the trace's
// own JSON (works offline). Accounts left to right by hop; edge labels are the victim money.
(function () {
  "use strict";
  var holder = document.getElementById("trace-graph");
  if (!holder || typeof echarts === "undefined") {
    return;
  }
  var roles = ["start", "holds", "passes", "cash_out", "victim"];
  var colours = { start: "#175cd3", holds: "#b42318", passes: "#667085", cash_out: "#dc6803", victim: "#98a2b3" };
  var labels = {
    start: holder.dataset.labelStart, holds: holder.dataset.labelHolds,
    passes: holder.dataset.labelPasses, cash_out: holder.dataset.labelCashOut,
    victim: holder.dataset.labelVictim
  };
  window.shouwangFetchedChart(holder, function (chart, graph) {
    var perHop = {};
    var nodes = graph.nodes.map(function (n) {
      var column = n.role === "victim" ? -1 : n.hop + (n.role === "cash_out" ? 0.5 : 0);
      perHop[column] = (perHop[column] || 0) + 1;
      return {
        id: n.id, name: n.name, category: roles.indexOf(n.role),
        x: (column + 1) * 220, y: perHop[column] * 90,
        symbolSize: n.role === "holds" ? 18 + Math.min(Math.sqrt(n.held) / 8, 30) : 16,
        itemStyle: { color: colours[n.role] },
        label: { show: true, fontSize: 10, position: "bottom",
                 formatter: n.held ? n.name + "\n" + n.held.toLocaleString() : n.name }
      };
    });
    var links = graph.links.map(function (l) {
      return { source: l.source, target: l.target, value: l.amount,
               label: { show: true, fontSize: 10, formatter: l.amount.toLocaleString() } };
    });
    chart.setOption({
      animation: false,
      tooltip: {},
      legend: [{ data: roles.map(function (r) { return labels[r] || r; }) }],
      series: [{
        type: "graph", layout: "none", roam: true, draggable: true,
        edgeSymbol: ["none", "arrow"], edgeSymbolSize: 8,
        categories: roles.map(function (r) { return { name: labels[r] || r, itemStyle: { color: colours[r] } }; }),
        data: nodes, links: links, lineStyle: { color: "#98a2b3", curveness: 0.1 }
      }]
    });
    holder.dataset.ready = String(nodes.length);
  });
})();
