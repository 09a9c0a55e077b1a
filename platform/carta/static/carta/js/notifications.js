/* Carta: one's own notifications, live.
 *
 * base.html loads this only for signed-in people. It opens /ws/notifications/ (the
 * session authenticates the socket), and on each message
 *   {"type": "notification", "id", "kind", "title", "body", "url", "created_at", "unread"}
 * updates the unread count beside the notifications link and shows the title in a
 * Bootstrap Italia notification, announced through a polite live region. When the socket
 * drops it reconnects with an exponential backoff (1 s doubling to 60 s, with jitter);
 * when the server refuses it (4403: no longer signed in) it stops trying.
 */
(function () {
  "use strict";

  var PATH = "/ws/notifications/";
  var MIN_DELAY = 1000;
  var MAX_DELAY = 60000;
  var REFUSED = 4403;

  var delay = MIN_DELAY;
  var socket = null;
  var timer = null;
  var stopped = false;

  function setUnread(count) {
    var holder = document.getElementById("carta-unread");
    if (!holder || typeof count !== "number" || count < 0) {
      return;
    }
    holder.textContent = "";
    if (count === 0) {
      return;
    }
    var badge = document.createElement("span");
    badge.className = "badge rounded-pill bg-danger";
    badge.setAttribute("aria-hidden", "true");
    badge.textContent = count > 99 ? "99+" : String(count);
    var label = document.createElement("span");
    label.className = "visually-hidden";
    label.textContent =
      count +
      " " +
      (count === 1 ? holder.getAttribute("data-label-one") : holder.getAttribute("data-label-many"));
    holder.appendChild(badge);
    holder.appendChild(label);
  }

  function isSafeUrl(url) {
    // Only links inside this site: a path, or an absolute URL on this origin.
    if (typeof url !== "string" || url === "") {
      return false;
    }
    if (url.charAt(0) === "/" && url.charAt(1) !== "/") {
      return true;
    }
    try {
      return new URL(url, window.location.href).origin === window.location.origin;
    } catch (error) {
      return false;
    }
  }

  function hideNotification(box) {
    box.classList.remove("show");
    box.style.display = "none";
    box.setAttribute("aria-hidden", "true");
  }

  function showNotification(data) {
    var box = document.getElementById("carta-notification");
    if (!box) {
      return;
    }
    var title = box.querySelector("[data-notification-title]");
    var body = box.querySelector("[data-notification-body]");
    var link = box.querySelector("[data-notification-link]");
    title.textContent = data.title || "";
    body.textContent = data.body || "";
    body.hidden = !data.body;
    if (link) {
      if (!link.hasAttribute("data-default-href")) {
        link.setAttribute("data-default-href", link.getAttribute("href"));
      }
      link.setAttribute(
        "href",
        isSafeUrl(data.url) ? data.url : link.getAttribute("data-default-href")
      );
    }
    box.style.display = "block";
    box.removeAttribute("aria-hidden");
    box.classList.add("show");

    // The visible box is not a live region itself (it would be read twice); a separate,
    // always present, polite region carries the announcement.
    var live = document.getElementById("carta-live");
    if (live) {
      live.textContent = "";
      window.setTimeout(function () {
        live.textContent = (box.getAttribute("data-new-label") || "") + " " + (data.title || "");
      }, 100);
    }
  }

  function onMessage(event) {
    var data;
    try {
      data = JSON.parse(event.data);
    } catch (error) {
      return;
    }
    if (!data || typeof data !== "object") {
      return;
    }
    if (typeof data.unread === "number") {
      setUnread(data.unread);
    }
    if (data.type === "notification") {
      showNotification(data);
    }
  }

  function schedule() {
    if (stopped || timer !== null) {
      return;
    }
    var wait = Math.round(delay * (0.75 + Math.random() * 0.5));
    delay = Math.min(delay * 2, MAX_DELAY);
    timer = window.setTimeout(function () {
      timer = null;
      connect();
    }, wait);
  }

  function connect() {
    if (stopped || !("WebSocket" in window)) {
      return;
    }
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    try {
      socket = new WebSocket(scheme + window.location.host + PATH);
    } catch (error) {
      schedule();
      return;
    }
    socket.addEventListener("open", function () {
      delay = MIN_DELAY;
    });
    socket.addEventListener("message", onMessage);
    socket.addEventListener("close", function (event) {
      socket = null;
      if (event.code === REFUSED) {
        stopped = true;
        return;
      }
      schedule();
    });
  }

  document.addEventListener("click", function (event) {
    var close = event.target.closest && event.target.closest("[data-notification-close]");
    if (close) {
      hideNotification(close.closest(".notification"));
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      var box = document.getElementById("carta-notification");
      if (box && box.style.display === "block") {
        hideNotification(box);
      }
    }
  });

  // Leaving the page: close cleanly, and do not reconnect.
  window.addEventListener("pagehide", function () {
    stopped = true;
    if (socket) {
      socket.close(1000);
    }
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      // Restored from the back-forward cache: connect again.
      stopped = false;
      delay = MIN_DELAY;
      connect();
    }
  });

  connect();
})();
