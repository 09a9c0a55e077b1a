/* Carta's charts: draws with Chart.js (vendor/chartjs) every chart that a page declares
 * with {% chart spec %} (carta/charts.py): bars with their values written beside them,
 * axes with titles, a dashed target line with its legend entry. The figures come from
 * the JSON next to the canvas, already formatted by the server; the table beside each
 * chart says the same for screen readers and for browsers without JavaScript.
 * window.CartaCharts.update(id, figures) redraws a chart with new figures (the
 * live results). */
(function () {
  "use strict";
  if (!window.Chart) { return; }
  var Chart = window.Chart;
  var charts = {};
  var FONT = "'Titillium Web', Geneva, Tahoma, sans-serif";

  Chart.defaults.font.family = FONT;
  Chart.defaults.font.size = 14;
  Chart.defaults.animation = false;

  // Long answers broken on spaces into lines of about `limit` characters (Chart.js draws
  // an array of strings as several lines): 28, or 14 on a narrow screen, where Chart.js
  // would otherwise cut the labels of horizontal bars.
  function wrap(label, limit) {
    if (label.length <= limit) { return label; }
    var lines = [];
    var line = "";
    label.split(" ").forEach(function (word) {
      if (line && (line + " " + word).length > limit) { lines.push(line); line = word; }
      else { line = line ? line + " " + word : word; }
    });
    if (line) { lines.push(line); }
    return lines;
  }

  // The values beside the bars and the target line, drawn over the bars.
  function overlay(spec) {
    return { id: "cartaOverlay", afterDatasetsDraw: function (chart) {
      var ctx = chart.ctx;
      var area = chart.chartArea;
      var series = spec.series[0];
      var valueScale = spec.horizontal ? chart.scales.x : chart.scales.y;
      var zero = valueScale.getPixelForValue(0);
      ctx.save();
      // The target line first: the values are written over it, each on a white ground.
      if (spec.target) {
        var at = valueScale.getPixelForValue(spec.target.value);
        ctx.strokeStyle = spec.colours.target;
        ctx.lineWidth = 3;
        ctx.setLineDash([8, 5]);
        ctx.beginPath();
        if (spec.horizontal) { ctx.moveTo(at, area.top); ctx.lineTo(at, area.bottom); }
        else { ctx.moveTo(area.left, at); ctx.lineTo(area.right, at); }
        ctx.stroke();
        ctx.setLineDash([]);
      }
      ctx.font = "600 14px " + FONT;
      chart.getDatasetMeta(0).data.forEach(function (bar, i) {
        var text = series.display[i];
        if (!text) { return; }
        var missing = series.values[i] === null;
        var width = ctx.measureText(text).width;
        var x, y;
        if (spec.horizontal) {
          x = (missing ? zero : bar.x) + 6;
          y = bar.y;
          ctx.fillStyle = "#ffffff";
          ctx.fillRect(x - 2, y - 9, width + 4, 18);
          ctx.textAlign = "left";
          ctx.textBaseline = "middle";
        } else {
          x = bar.x;
          y = (missing ? zero : bar.y) - 4;
          ctx.fillStyle = "#ffffff";
          ctx.fillRect(x - width / 2 - 2, y - 17, width + 4, 17);
          ctx.textAlign = "center";
          ctx.textBaseline = "bottom";
        }
        ctx.fillStyle = spec.colours.text;
        ctx.fillText(text, x, y);
      });
      ctx.restore();
    } };
  }

  function legendLabels(spec, chart) {
    var items = Chart.defaults.plugins.legend.labels.generateLabels(chart);
    if (spec.target) {
      items.push({
        text: spec.target.label, fillStyle: "rgba(0,0,0,0)", strokeStyle: spec.colours.target,
        lineWidth: 3, lineDash: [8, 5], fontColor: spec.colours.text, hidden: false,
        datasetIndex: -1, pointStyle: "line"
      });
    }
    return items;
  }

  function scale(title, spec, isValue) {
    var options = {
      title: { display: Boolean(title), text: title, color: spec.colours.text, font: { weight: "600" } },
      ticks: { color: spec.colours.text },
      grid: { color: isValue ? spec.colours.grid : "rgba(0,0,0,0)" },
      border: { color: spec.colours.axis, width: 1 }
    };
    if (isValue) {
      options.min = spec.axes.min;
      options.beginAtZero = true;
      if (spec.axes.max !== null && spec.axes.max !== undefined) { options.max = spec.axes.max; }
      else {
        var top = Math.max.apply(null, spec.series[0].values.concat([0]).map(Number));
        if (spec.target) { top = Math.max(top, spec.target.value); }
        options.suggestedMax = top * 1.15 || 1;
      }
      // Counts (votes, points) on whole steps; measured values may need decimals.
      var whole = spec.series[0].values.every(function (v) { return v === null || Number.isInteger(v); });
      options.ticks.precision = whole ? 0 : 2;
      options.ticks.callback = function (value) {
        return Number(value).toLocaleString(document.documentElement.lang || "it");
      };
    }
    return options;
  }

  function config(spec, narrow) {
    var series = spec.series[0];
    var limit = narrow ? 14 : 28;
    var valueAxis = spec.horizontal ? "x" : "y";
    var categoryAxis = spec.horizontal ? "y" : "x";
    var scales = {};
    scales[valueAxis] = scale(spec.axes.value, spec, true);
    // On a narrow screen the answers need the room more than the axis' title does.
    scales[categoryAxis] = scale(narrow && spec.horizontal ? "" : spec.axes.category, spec, false);
    return {
      type: "bar",
      data: {
        labels: spec.labels.map(function (label) { return wrap(label, limit); }),
        datasets: [{
          label: series.label,
          data: series.values,
          backgroundColor: spec.colours.bar,
          borderColor: spec.colours.bar,
          maxBarThickness: spec.horizontal ? 28 : 56
        }]
      },
      options: {
        indexAxis: spec.horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        layout: { padding: spec.horizontal ? { right: 96 } : { top: 24 } },
        scales: scales,
        plugins: {
          legend: {
            display: Boolean(spec.legend),
            position: "bottom",
            onClick: function () {},
            labels: { color: spec.colours.text, usePointStyle: false, generateLabels: function (chart) { return legendLabels(spec, chart); } }
          },
          tooltip: { enabled: false }
        }
      },
      plugins: [overlay(spec)]
    };
  }

  function height(spec, narrow) {
    if (!spec.horizontal) { return spec.size === "small" ? "11rem" : "17rem"; }
    var rows = spec.labels.length;
    var lines = spec.labels.reduce(function (sum, label) {
      var wrapped = wrap(label, narrow ? 14 : 28);
      return sum + (typeof wrapped === "string" ? 1 : wrapped.length);
    }, 0);
    return (Math.max(rows * 2.5, lines * 1.25) + (spec.legend ? 6.5 : 4.5)) + "rem";
  }

  function draw(box) {
    var data = document.getElementById(box.getAttribute("data-carta-chart"));
    if (!data) { return; }
    var spec = JSON.parse(data.textContent);
    box.hidden = false;
    var narrow = box.clientWidth < 520;
    box.style.height = height(spec, narrow);
    var canvas = box.querySelector("canvas");
    var settings = config(spec, narrow);
    var chart = new Chart(canvas, settings);
    chart.$cartaSpec = spec;
    charts[spec.id] = chart;
  }

  // New figures for a chart's bars, by key ({key: [value, display]}); false when the
  // chart is not on the page or its bars are not these (the caller reloads).
  function update(id, figures) {
    var chart = charts[id];
    if (!chart) { return false; }
    var spec = chart.$cartaSpec;
    var keys = Object.keys(figures);
    if (keys.length !== spec.keys.length) { return false; }
    if (!spec.keys.every(function (key) { return figures.hasOwnProperty(key); })) { return false; }
    spec.series[0].values = spec.keys.map(function (key) { return figures[key][0]; });
    spec.series[0].display = spec.keys.map(function (key) { return figures[key][1]; });
    chart.data.datasets[0].data = spec.series[0].values;
    if (spec.axes.max === null || spec.axes.max === undefined) {
      chart.options.scales[spec.horizontal ? "x" : "y"] = scale(spec.axes.value, spec, true);
    }
    chart.update();
    return true;
  }

  function drawAll() {
    document.querySelectorAll("[data-carta-chart]").forEach(draw);
  }

  window.CartaCharts = { update: update, charts: charts };
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", drawAll); }
  else { drawAll(); }
})();
