/* Draws the charts of a report page from their <script type="application/json"> data
   (a holder's data-chart names its data block; sp-chart-data by default).
   Why a static file: the Content-Security-Policy forbids inline scripts. Values come
   as exact decimal strings; they become numbers only to be drawn. A click on a bar,
   point or slice opens the records it sums. */
(function () {
  "use strict";
  function drawAll() {
    var holders = document.querySelectorAll(".sp-chart");
    for (var i = 0; i < holders.length; i += 1) {
      var source = document.getElementById(holders[i].getAttribute("data-chart") || "sp-chart-data");
      draw(holders[i], source);
    }
  }
  function draw(holder, source) {
    if (!holder || !source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    var chart = window.echarts.init(holder, null, { locale: data.locale, renderer: "svg" });
    var kind = data.type;
    var series;
    var option;
    if (kind === "pie") {
      var first = data.series[0] || { data: [], urls: [] };
      series = [{
        type: "pie", radius: ["35%", "65%"], name: first.name,
        data: data.categories.map(function (name, i) {
          return { name: name, value: Number(first.data[i] || 0), url: first.urls[i] };
        })
      }];
      option = { tooltip: { trigger: "item" }, legend: { type: "scroll", bottom: 0 }, series: series };
    } else {
      series = data.series.map(function (s) {
        return {
          type: s.kind || (kind === "line" ? "line" : "bar"),
          stack: kind === "stack" ? s.stack : undefined,
          yAxisIndex: s.axis || 0,
          name: s.name,
          itemStyle: s.color ? { color: s.color } : undefined,
          data: s.data.map(function (v, i) {
            return { value: v === null ? null : Number(v), url: s.urls ? s.urls[i] : null };
          })
        };
      });
      option = {
        tooltip: { trigger: "axis" },
        legend: { type: "scroll", bottom: 0 },
        grid: { left: 8, right: 16, top: 16, bottom: 40, containLabel: true },
        xAxis: { type: "category", data: data.categories },
        yAxis: data.percent_axis
          ? [{ type: "value" }, { type: "value", max: 100, axisLabel: { formatter: "{value}%" } }]
          : (data.second_axis ? [{ type: "value" }, { type: "value" }]
            : (data.integer ? { type: "value", minInterval: 1 } : { type: "value" })),
        series: series
      };
      if (data.all_labels) {  // every category named (a few customers or suppliers), slanted
        option.xAxis.axisLabel = { interval: 0, rotate: 30 };
      }
    }
    chart.setOption(option);
    chart.on("click", function (params) {
      if (params.data && params.data.url) { window.location.href = params.data.url; }
    });
    holder.setAttribute("data-sp-chart-ready", "1");
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
}());
