// Live results: follows /ws/consultations/<id>/ and updates turnout, counts and the
// charts (carta/js/charts.js) in place. When the set of questions shown changes (the tally
// becomes visible) or a ranking's order does, it reloads once.
(function () {
  "use strict";
  var root = document.getElementById("voting-results");
  if (!root || !window.WebSocket) { return; }
  var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
  var delay = 1000;
  var locale = document.documentElement.lang || "it";
  // Percentages as the page writes them: one decimal, in the page's language.
  function percent(value) {
    if (value === null || value === undefined || value === "") { return ""; }
    return Number(value).toLocaleString(locale, {minimumFractionDigits: 1, maximumFractionDigits: 1});
  }
  function set(selector, value) {
    var node = root.querySelector(selector);
    if (node && value !== null && value !== undefined) { node.textContent = value; }
  }
  function apply(event) {
    if (event.type !== "tally") { return; }
    event.turnout.forEach(function (t) {
      set('[data-turnout="' + t.electorate + '-ballots"]', t.ballots);
      set('[data-turnout="' + t.electorate + '-eligible"]', t.eligible);
      set('[data-turnout="' + t.electorate + '-percent"]', percent(t.turnout_percent));
    });
    if (event.status !== root.dataset.status) { window.location.reload(); return; }
    if (!event.results) { return; }
    var missing = false;
    event.results.electorates.forEach(function (e) {
      (e.questions || []).forEach(function (q) {
        var figures = {};
        q.options.forEach(function (o) {
          var key = e.electorate + "-" + q.id + "-" + o.key;
          if (!root.querySelector('[data-count="' + key + '"]')) { missing = true; return; }
          set('[data-count="' + key + '"]', o.count);
          set('[data-percent="' + key + '"]', percent(o.percent));
          var share = percent(o.percent);
          figures[o.key] = [o.count, share ? o.count + " (" + share + "%)" : String(o.count)];
        });
        var id = "chart-" + e.electorate + "-" + q.id;
        var charts = window.CartaCharts && window.CartaCharts.charts;
        if (!charts || !charts[id]) { return; }
        // A ranking's bars follow its order, which a new ballot may change.
        var order = q.options.map(function (o) { return o.key; }).join(",");
        if (q.kind === "ranking" && order !== charts[id].$cartaSpec.keys.join(",")) { missing = true; return; }
        if (!window.CartaCharts.update(id, figures)) { missing = true; }
      });
    });
    if (missing || event.status !== root.dataset.status) { window.location.reload(); }
  }
  function connect() {
    var socket = new WebSocket(scheme + window.location.host + root.dataset.socket);
    socket.onmessage = function (message) { delay = 1000; apply(JSON.parse(message.data)); };
    socket.onclose = function () { setTimeout(connect, delay); delay = Math.min(delay * 2, 30000); };
  }
  connect();
})();
