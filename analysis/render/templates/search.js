// Client-side search over the book: the index (search-index.js) is built at render time.
(function () {
  "use strict";
  var root = document.currentScript.getAttribute("data-root") || "";
  function words(text) { return text.toLowerCase().split(/\s+/).filter(Boolean); }
  function snippet(text, query) {
    var i = text.toLowerCase().indexOf(query[0]);
    var start = Math.max(0, i - 60);
    return (start > 0 ? "… " : "") + text.slice(start, start + 160) + " …";
  }
  function run(box, list) {
    var query = words(box.value);
    list.innerHTML = "";
    if (!query.length) { return; }
    var hits = (window.SEARCH_INDEX || []).filter(function (page) {
      var text = (page.title + " " + page.text).toLowerCase();
      return query.every(function (w) { return text.indexOf(w) >= 0; });
    }).slice(0, 10);
    if (!hits.length) {
      var none = document.createElement("li");
      none.textContent = "No page contains " + box.value;
      list.appendChild(none);
    }
    hits.forEach(function (page) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = root + page.href;
      link.textContent = page.title;
      var text = document.createElement("span");
      text.className = "search-snippet";
      text.textContent = snippet(page.text, query);
      item.appendChild(link);
      item.appendChild(text);
      list.appendChild(item);
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("search");
    var list = document.getElementById("search-results");
    if (!box || !list) { return; }
    box.addEventListener("input", function () { run(box, list); });
    var q = new URLSearchParams(window.location.search).get("q");
    if (q) { box.value = q; run(box, list); }
  });
})();
