/* Carta: small behaviour shared by every page. base.html loads it at the end of the
 * body, after the Bootstrap Italia bundle, so `window.bootstrap` exists when this runs.
 * (The fonts are declared in carta.css, not by bootstrap.loadFonts(), whose inline
 * <style> the Content-Security-Policy refuses.) */
(function () {
  "use strict";

  // A form that comes back with errors: move the focus to its error summary, so that
  // keyboard and screen reader users hear what went wrong first.
  function focusErrorSummary(root) {
    var summary = (root || document).querySelector("[data-carta-error-summary]");
    if (summary) {
      summary.focus();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      focusErrorSummary(document);
    });
  } else {
    focusErrorSummary(document);
  }

  // Say something to screen reader users through the page's polite live region.
  function announce(text) {
    var live = document.getElementById("carta-live");
    if (!live || !text) {
      return;
    }
    live.textContent = "";
    window.setTimeout(function () {
      live.textContent = text;
    }, 100);
  }
  window.carta = window.carta || {};
  window.carta.announce = announce;

  // htmx: a form with data-carta-announce="..." says that text once its request succeeds.
  // (requestConfig.elt is the element that made the request: when the swap removed it,
  // htmx re-dispatches the event on a surviving ancestor and detail.elt names that one.)
  document.addEventListener("htmx:afterRequest", function (event) {
    var detail = event.detail || {};
    var element = (detail.requestConfig && detail.requestConfig.elt) || detail.elt;
    if (detail.successful && element && element.getAttribute) {
      announce(element.getAttribute("data-carta-announce"));
    }
  });

  // After a swap: an error summary takes the focus; otherwise, when the element that had
  // the focus was replaced (the focus fell back to the page), give it to the new content.
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail && event.detail.target;
    var summary = document.querySelector("[data-carta-error-summary]");
    if (summary && target && (target.contains(summary) || !document.body.contains(target))) {
      summary.focus();
      return;
    }
    var active = document.activeElement;
    if (!active || active === document.body) {
      var fresh = target && document.body.contains(target) ? target : null;
      if (!fresh && target && target.id) {
        fresh = document.getElementById(target.id);
      }
      if (fresh) {
        if (!fresh.hasAttribute("tabindex")) {
          fresh.setAttribute("tabindex", "-1");
        }
        fresh.focus();
      }
    }
  });

  // An organization search field that chooses several (stakeholders/picker.py): a match
  // ticked among the suggestions moves to the chosen ones, so that the next search,
  // which replaces the suggestions, keeps it.
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("[data-carta-picker-choices] input[type=checkbox]")) {
      return;
    }
    var picker = box.closest("[data-carta-picker]");
    var chosen = picker && picker.querySelector("[data-carta-picker-chosen]");
    if (box.checked && chosen) {
      chosen.appendChild(box.closest(".form-check"));
      chosen.hidden = false;
      announce(picker.getAttribute("data-carta-picker-added") || "");
    }
  });
})();
