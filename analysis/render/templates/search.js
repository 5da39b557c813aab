// Client-side search over the book, one entry per section (search-index.js, built at render time),
// with the vendored MiniSearch: matches in page titles and headings rank first; case, accents and
// hyphens or dashes do not matter; a near miss still matches. A result links to its section and the
// page it opens highlights the terms searched for.
(function () {
  "use strict";
  var root = document.currentScript.getAttribute("data-root") || "";
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  var engine = null;
  function index() {
    if (engine || !window.MiniSearch) { return engine; }
    engine = new window.MiniSearch({
      fields: ["title", "heading", "text"],
      storeFields: ["title", "heading", "href", "text"],
      processTerm: function (term) { var t = fold(term); return t.length ? t : null; },
      searchOptions: { boost: { title: 4, heading: 3 }, prefix: true, combineWith: "AND",
                       fuzzy: function (term) { return term.length > 4 ? 0.2 : 0; } }
    });
    engine.addAll(window.SEARCH_INDEX || []);
    return engine;
  }
  function snippet(text, query) {
    var folded = fold(text);
    var i = -1;
    query.forEach(function (w) { var j = folded.indexOf(w); if (j >= 0 && (i < 0 || j < i)) { i = j; } });
    var start = Math.max(0, i - 60);
    return (start > 0 ? "… " : "") + text.slice(start, start + 160) + " …";
  }
  function words(text) { return fold(text).split(/[^\p{L}\p{N}]+/u).filter(function (w) { return w.length > 1; }); }
  function run(box, list) {
    list.innerHTML = "";
    var query = box.value.trim();
    if (!query || !index()) { return; }
    var hits = engine.search(query).slice(0, 10);
    if (!hits.length) {
      var none = document.createElement("li");
      none.textContent = "Nothing in the book matches " + query;
      list.appendChild(none);
      return;
    }
    hits.forEach(function (hit) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      var parts = hit.href.split("#");
      link.href = root + parts[0] + "?hl=" + encodeURIComponent(query) + (parts[1] ? "#" + parts[1] : "");
      link.textContent = hit.heading && hit.heading !== hit.title ? hit.title + " › " + hit.heading : hit.title;
      var text = document.createElement("span");
      text.className = "search-snippet";
      text.textContent = snippet(hit.text, words(query));
      item.appendChild(link);
      item.appendChild(text);
      list.appendChild(item);
    });
  }
  // The terms searched for, marked in the page the search opened (case-insensitive; any dash).
  function highlight(query) {
    var main = document.querySelector("main");
    var terms = query.split(/[\s\u2010-\u2015\u2212-]+/).filter(function (w) { return w.length > 1; })
      .map(function (w) { return w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); });
    if (!main || !terms.length) { return; }
    var pattern = new RegExp("(" + terms.join("|") + ")", "gi");
    var walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        return node.parentNode.closest("svg, script, style, nav, mark") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
      }
    });
    var nodes = [];
    while (walker.nextNode()) { if (pattern.test(walker.currentNode.nodeValue)) { nodes.push(walker.currentNode); } pattern.lastIndex = 0; }
    nodes.forEach(function (node) {
      var frag = document.createDocumentFragment();
      node.nodeValue.split(pattern).forEach(function (piece, i) {
        if (i % 2) { var m = document.createElement("mark"); m.className = "search-hit"; m.textContent = piece; frag.appendChild(m); }
        else if (piece) { frag.appendChild(document.createTextNode(piece)); }
      });
      node.parentNode.replaceChild(frag, node);
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("search");
    var list = document.getElementById("search-results");
    var params = new URLSearchParams(window.location.search);
    if (params.get("hl")) { highlight(params.get("hl")); }
    if (!box || !list) { return; }
    box.addEventListener("input", function () { run(box, list); });
    var q = params.get("q");
    if (q) { box.value = q; run(box, list); }
  });
})();
