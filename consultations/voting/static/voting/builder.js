/* The consultation builder, with JavaScript (the page works without it):
 * - shows the maximum only for multiple choice and the options only for the kinds that
 *   have them;
 * - suggests published proposals while a "Proposta collegata" field is typed in (a
 *   datalist filled from the builder's search address, never a list of every proposal);
 * - gives the focus to what an action changed (htmx swaps the questions in place) and to
 *   the ballot's preview when it is shown.
 * No inline script or handler: the Content-Security-Policy allows scripts of the site only. */
(function () {
  "use strict";

  var kindsWithOptions = [];
  var datalistCount = 0;

  function showFor(question) {
    var select = question.querySelector("[data-builder-kind]");
    if (!select) {
      return;
    }
    var kind = select.value;
    var options = question.querySelector("[data-builder-options]");
    var maximum = question.querySelector("[data-builder-max-group]");
    if (options) {
      options.hidden = kindsWithOptions.indexOf(kind) === -1;
      var note = options.querySelector("[data-builder-note]");
      if (note) {
        note.hidden = true;
      }
    }
    if (maximum) {
      maximum.hidden = kind !== "multiple";
    }
  }

  function suggest(input) {
    var url = input.getAttribute("data-builder-proposal");
    var list = document.getElementById(input.getAttribute("list"));
    var text = input.value.trim();
    if (!url || !list || text.length < 1) {
      return;
    }
    fetch(url + "?q=" + encodeURIComponent(text), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.ok ? response.json() : { results: [] };
      })
      .then(function (data) {
        list.textContent = "";
        (data.results || []).forEach(function (result) {
          var option = document.createElement("option");
          option.value = result.value;
          list.appendChild(option);
        });
      })
      .catch(function () {});
  }

  function setUp(root) {
    var container = document.getElementById("domande");
    if (!container) {
      return;
    }
    kindsWithOptions = (container.getAttribute("data-kinds-with-options") || "").split(" ");
    root.querySelectorAll("[data-builder-question]").forEach(showFor);
    root.querySelectorAll("[data-builder-proposal]").forEach(function (input) {
      if (input.getAttribute("list")) {
        return;
      }
      datalistCount += 1;
      var list = document.createElement("datalist");
      list.id = "builder-proposte-" + datalistCount;
      input.parentNode.appendChild(list);
      input.setAttribute("list", list.id);
      var timer = null;
      input.addEventListener("input", function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(function () {
          suggest(input);
        }, 250);
      });
    });
    var focus = container.getAttribute("data-builder-focus");
    var target = focus ? document.getElementById(focus) : null;
    var preview = document.querySelector("[data-builder-preview]");
    if (target) {
      target.focus();
    } else if (preview && root === document) {
      preview.focus();
      preview.scrollIntoView();
    }
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("[data-builder-kind]")) {
      var question = event.target.closest("[data-builder-question]");
      if (question) {
        showFor(question);
      }
    }
  });

  // After carta.js's own handler (registered first): the element the action names wins.
  document.addEventListener("htmx:afterSettle", function () {
    setUp(document.getElementById("domande") || document);
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      setUp(document);
    });
  } else {
    setUp(document);
  }
})();
