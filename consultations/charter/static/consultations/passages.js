// Passages of the Carta's sections: select a passage to comment on it or to propose a
// change to it; activate a highlighted (commented) passage to see its comments.
// The quote is sent with its white space collapsed, as the server compares it
// (consultations.charter.passages.normalize_quote).
(function () {
  "use strict";
  var script = document.currentScript;
  var data = (script && script.dataset) || {};
  var MAX_QUOTE = 2000;

  function normalize(text) {
    return String(text || "").replace(/\s+/g, " ").trim();
  }
  function bodyOf(node) {
    var element = node && (node.nodeType === 1 ? node : node.parentElement);
    return element ? element.closest(".carta-section-body") : null;
  }
  function live(text) {
    var region = document.getElementById("carta-live-comments");
    if (region) region.textContent = text;
  }

  // --- Selecting a passage ---------------------------------------------------------
  var menu = null;
  var current = null; // {key, quote}

  function buildMenu() {
    menu = document.createElement("div");
    menu.className = "carta-passage-menu";
    menu.setAttribute("role", "group");
    menu.setAttribute("aria-label", data.menuLabel || "Passo selezionato");
    menu.hidden = true;
    var comment = document.createElement("button");
    comment.type = "button";
    comment.className = "btn btn-primary btn-xs btn-sm";
    comment.dataset.passageAction = "comment";
    comment.textContent = data.commentLabel || "Commenta questo passaggio";
    var amend = document.createElement("button");
    amend.type = "button";
    amend.className = "btn btn-outline-primary btn-sm bg-white";
    amend.dataset.passageAction = "amend";
    amend.textContent = data.amendLabel || "Proponi una modifica";
    menu.append(comment, amend);
    // Pressing a button must not clear the selection before its click.
    menu.addEventListener("mousedown", function (event) { event.preventDefault(); });
    menu.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-passage-action]");
      if (!button || !current) return;
      if (button.dataset.passageAction === "comment") openComment(current);
      else openAmendment(current);
      hideMenu();
    });
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { hideMenu(); }
    });
  }

  function hideMenu() {
    if (menu) menu.hidden = true;
    current = null;
  }

  // A section's comment and amendment forms come on demand (carta_tags.on_demand): the
  // form when it is on the page, else the link that loads it, else nothing.
  function formOrLink(kind, key, id) {
    return document.getElementById(id) ||
      document.querySelector('a[hx-get="?' + kind + "=" + encodeURIComponent(key) + '"]');
  }
  // Then the form itself, loaded first when only its link is on the page.
  function withForm(kind, key, id, then) {
    var found = formOrLink(kind, key, id);
    if (!found) return;
    if (found.tagName !== "A") { then(found); return; }
    window.htmx.ajax("GET", found.getAttribute("hx-get"), {target: found, swap: "outerHTML"})
      .then(function () {
        var form = document.getElementById(id);
        if (form) then(form);
      });
  }

  function showMenu(body, range, quote) {
    var key = body.dataset.section;
    var section = body.closest(".carta-section");
    var commentForm = formOrLink("commenta", key, "commenta-" + key);
    var amendForm = formOrLink("emenda", key, "emenda-" + key + "-modulo");
    if (!section || (!commentForm && !amendForm)) return;
    if (!menu) buildMenu();
    menu.querySelector("[data-passage-action=comment]").hidden = !commentForm;
    menu.querySelector("[data-passage-action=amend]").hidden = !amendForm;
    // Right after the section's text: the next stop of the keyboard's Tab.
    if (menu.previousElementSibling !== body) body.after(menu);
    current = {key: key, quote: quote};
    menu.hidden = false;
    var rects = range.getClientRects();
    var last = rects.length ? rects[rects.length - 1] : range.getBoundingClientRect();
    var box = section.getBoundingClientRect();
    var width = menu.offsetWidth;
    var left = Math.max(0, Math.min(last.left - box.left, box.width - width));
    menu.style.top = (last.bottom - box.top + 6) + "px";
    menu.style.left = left + "px";
  }

  function onSelection() {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) {
      if (menu && !menu.contains(document.activeElement)) hideMenu();
      return;
    }
    var range = selection.getRangeAt(0);
    var body = bodyOf(range.startContainer);
    if (!body || body !== bodyOf(range.endContainer)) { hideMenu(); return; }
    var quote = normalize(selection.toString());
    if (!quote || quote.length > MAX_QUOTE) { hideMenu(); return; }
    showMenu(body, range, quote);
  }

  var timer = null;
  document.addEventListener("selectionchange", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(onSelection, 150);
  });

  function openComment(passage) {
    withForm("commenta", passage.key, "commenta-" + passage.key, function (details) {
      fillComment(details, passage);
    });
  }

  function fillComment(details, passage) {
    var quote = document.getElementById("citazione-" + passage.key);
    var text = document.getElementById("commento-" + passage.key);
    if (!quote) return;
    details.open = true;
    quote.value = passage.quote;
    quote.classList.remove("is-invalid");
    (text || quote).focus();
    details.scrollIntoView({block: "nearest"});
    live(data.quotedLabel || "");
  }

  // The passage in the Markdown of the amendment's text: exactly, or the same words
  // across white space and markup (as the server's passages.locate, in linear time).
  var MARKUP = "*_~`\\[]";
  var SKIPPED = /\]\([^)\s]*(?:\s+"[^"]*")?\)|^[ \t]*(?:[-+*>]|#{1,6}|\d{1,9}[.)])[ \t]+/gm;
  function project(text, source) {
    var skipped = new Uint8Array(text.length);
    if (source) {
      text.replace(SKIPPED, function (match, offset) {
        var begin = offset + (match[0] === "]" ? 1 : 0);
        for (var k = begin; k < offset + match.length; k++) skipped[k] = 1;
        if (match[0] !== "]") skipped[offset + match.length - 1] = 0;
        return match;
      });
    }
    var chars = [], where = [];
    for (var i = 0; i < text.length; i++) {
      var ch = text[i];
      if (skipped[i] || MARKUP.indexOf(ch) >= 0) continue;
      if (/\s/.test(ch)) {
        if (chars.length && chars[chars.length - 1] !== " ") { chars.push(" "); where.push(i); }
        continue;
      }
      chars.push(ch);
      where.push(i);
    }
    if (chars.length && chars[chars.length - 1] === " ") { chars.pop(); where.pop(); }
    return {text: chars.join(""), where: where};
  }
  function findInSource(source, quote) {
    var index = source.indexOf(quote);
    if (index >= 0) return [index, index + quote.length];
    var needle = project(quote, false).text;
    if (!needle) return null;
    var seen = project(source, true);
    index = seen.text.indexOf(needle);
    if (index < 0) return null;
    return [seen.where[index], seen.where[index + needle.length - 1] + 1];
  }

  function openAmendment(passage) {
    withForm("emenda", passage.key, "emenda-" + passage.key + "-modulo", function (details) {
      fillAmendment(details, passage);
    });
  }

  function fillAmendment(details, passage) {
    var text = document.getElementById("emenda-" + passage.key);
    if (!text) return;
    details.open = true;
    text.focus();
    var found = findInSource(text.value, passage.quote);
    // The passage selected in the proposed text: typing replaces it.
    if (found) text.setSelectionRange(found[0], found[1]);
    details.scrollIntoView({block: "nearest"});
  }

  // --- Commented passages -----------------------------------------------------------
  function showComments(mark) {
    var body = bodyOf(mark);
    if (!body) return;
    var key = body.dataset.section;
    var ids = (mark.dataset.comments || "").split(" ").filter(Boolean);
    // A passage's comments older than those the page shows: the section's page that
    // holds the first of them (the server finds it from ?commento=).
    var absent = ids.filter(function (id) { return !document.getElementById("commento-" + id); });
    if (absent.length === ids.length && ids.length) { open(ids[0]); return; }
    var list = document.querySelector('[data-comments="' + key + '"]');
    var bar = document.querySelector('[data-filter-for="' + key + '"]');
    if (!list) return;
    var shown = 0;
    Array.prototype.forEach.call(list.children, function (article) {
      if (article.tagName !== "ARTICLE") return;
      var match = ids.some(function (id) {
        return article.id === "commento-" + id || article.querySelector("#commento-" + id);
      });
      article.hidden = !match;
      article.classList.toggle("carta-comment-focus", match);
      if (match) shown += 1;
    });
    document.querySelectorAll("mark.carta-passage-active").forEach(function (m) {
      m.classList.remove("carta-passage-active");
    });
    body.querySelectorAll("mark.carta-passage").forEach(function (m) {
      if (m.dataset.comments === mark.dataset.comments) m.classList.add("carta-passage-active");
    });
    if (bar) {
      var label = document.createElement("span");
      label.textContent = (data.filterLabel || "%(count)s").replace("%(count)s", String(shown)) + " ";
      var all = document.createElement("button");
      all.type = "button";
      all.className = "btn btn-link btn-sm p-0 align-baseline";
      all.textContent = data.showAllLabel || "Mostra tutti i commenti";
      all.addEventListener("click", function () { showAll(key); });
      bar.replaceChildren(label, all);
      bar.classList.remove("d-none");
    }
    var heading = document.getElementById("commenti-" + key);
    if (heading) {
      heading.scrollIntoView({block: "start"});
      heading.focus({preventScroll: true});
    }
  }

  function showAll(key) {
    var list = document.querySelector('[data-comments="' + key + '"]');
    var bar = document.querySelector('[data-filter-for="' + key + '"]');
    if (list) {
      Array.prototype.forEach.call(list.children, function (article) {
        article.hidden = false;
        article.classList.remove("carta-comment-focus");
      });
    }
    if (bar) { bar.replaceChildren(); bar.classList.add("d-none"); }
    document.querySelectorAll("mark.carta-passage-active").forEach(function (m) {
      m.classList.remove("carta-passage-active");
    });
  }

  // A link to a comment the page does not show (a section shows its most recent threads):
  // the page of the section that holds it.
  function open(id) {
    var url = new URL(window.location.href);
    url.search = "";
    url.searchParams.set("commento", id);
    url.hash = "commento-" + id;
    window.location.assign(url.toString());
  }
  var wanted = /^#commento-(\d+)$/.exec(window.location.hash);
  if (wanted && !document.getElementById("commento-" + wanted[1]) &&
      !new URLSearchParams(window.location.search).has("commento")) {
    open(wanted[1]);
  }

  // A form sent back with an error: its field at fault in view, with the focus.
  var invalid = document.querySelector("#carta-revision form [aria-invalid=true]");
  if (invalid) {
    invalid.scrollIntoView({block: "center"});
    invalid.focus({preventScroll: true});
  }

  document.addEventListener("click", function (event) {
    var mark = event.target.closest && event.target.closest("mark.carta-passage");
    if (!mark) return;
    var selection = window.getSelection();
    if (selection && !selection.isCollapsed) return; // selecting, not activating
    if (event.target.closest("a")) return; // a link inside the passage keeps its job
    showComments(mark);
  });
  document.addEventListener("keydown", function (event) {
    var mark = event.target.closest && event.target.closest("mark.carta-passage[role=button]");
    if (!mark || (event.key !== "Enter" && event.key !== " ")) return;
    event.preventDefault();
    showComments(mark);
  });
})();
