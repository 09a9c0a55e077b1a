// New comments on the revision being read, pushed over /ws/carta/revisions/<id>/.
(function () {
  "use strict";
  var root = document.getElementById("carta-revision");
  if (!root || !window.WebSocket) return;
  var script = document.currentScript;
  var label = (script && script.dataset.newLabel) || "Nuovo commento di %(name)s.";
  var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
  var box = document.getElementById("carta-new-comments");
  var live = document.getElementById("carta-live-comments");
  function connect(delay) {
    var socket = new WebSocket(scheme + window.location.host + root.dataset.socket);
    socket.onmessage = function (message) {
      var event;
      try { event = JSON.parse(message.data); } catch (e) { return; }
      if (event.type !== "comment.posted") return;
      var text = label.replace("%(name)s", event.signed_as);
      var link = document.createElement("a");
      // The comment lives on this very page: a reload (not a jump to the anchor) shows it.
      var target = new URL(event.url, window.location.href);
      target.searchParams.set("nuovo", String(event.id || Date.now()));
      link.href = target.toString();
      link.textContent = text;
      box.replaceChildren(link);
      box.classList.remove("d-none");
      live.textContent = text;
    };
    socket.onclose = function () {
      var next = Math.min((delay || 1000) * 2, 30000);
      window.setTimeout(function () { connect(next); }, next);
    };
  }
  connect(1000);
})();
