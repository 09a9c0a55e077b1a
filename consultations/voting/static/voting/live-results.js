// Live results: follows /ws/consultations/<id>/ and updates turnout and counts in place.
// When the set of questions shown changes (the tally becomes visible), it reloads once.
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
        q.options.forEach(function (o) {
          var key = e.electorate + "-" + q.id + "-" + o.key;
          if (!root.querySelector('[data-count="' + key + '"]')) { missing = true; return; }
          set('[data-count="' + key + '"]', o.count);
          set('[data-percent="' + key + '"]', percent(o.percent));
          var bar = root.querySelector('[data-bar="' + key + '"]');
          if (bar) { bar.style.width = (o.percent || 0) + "%"; }
        });
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
