// Injected into copies of the site's pages by tests/test_browser.py: measures the page as laid out
// (or runs axe-core) and writes the result as JSON into <pre id="harness-result">, which the test
// reads from Chromium's --dump-dom.
(function () {
  "use strict";
  function done(result) {
    var pre = document.createElement("pre");
    pre.id = "harness-result";
    pre.textContent = JSON.stringify(result);
    document.body.appendChild(pre);
    if (window.parent !== window) { window.parent.postMessage({ harness: result }, "*"); }   // tests/browser/frame.html
  }
  function charts() {
    return Array.prototype.map.call(document.querySelectorAll("figure.chart-figure"), function (fig) {
      var svg = fig.querySelector("svg.chart");
      var marks = svg ? svg.querySelectorAll(".mark") : [];
      var titled = Array.prototype.filter.call(marks, function (m) {
        var t = m.querySelector("title");
        return t && t.textContent && m.getAttribute("tabindex") === "0";
      }).length;
      var tip = null;
      if (marks.length) {
        marks[0].focus();
        var shown = document.querySelector(".chart-tooltip");
        tip = shown && !shown.hidden ? shown.textContent : null;
        marks[0].blur();
      }
      var scale = svg ? svg.getBoundingClientRect().width / svg.viewBox.baseVal.width : 0;
      return {
        id: fig.id,
        links: Array.prototype.map.call(fig.querySelectorAll(".chart-links a"), function (a) { return a.getAttribute("href"); }),
        marks: marks.length, titled: titled, tooltip: tip, firstTitle: marks.length ? marks[0].getAttribute("aria-label") : null,
        smallestTextPx: svg ? scale * parseFloat(svg.getAttribute("data-smallest-text-pt")) : 0,
        labelledBy: svg ? (svg.getAttribute("aria-labelledby") || "").split(" ").map(function (id) {
          var el = document.getElementById(id); return el ? el.textContent.trim().length : 0; }) : []
      };
    });
  }
  window.addEventListener("load", function () {
    var mode = new URLSearchParams(window.location.search).get("harness");
    if (mode === "axe") {
      window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } })
        .then(function (r) {
          done({ violations: r.violations.map(function (v) {
            return { id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(function (n) { return n.target.join(" "); }) };
          }) });
        }, function (e) { done({ error: String(e) }); });
      return;
    }
    var doc = document.documentElement;
    var wide = Array.prototype.filter.call(document.querySelectorAll("main *, body > *"), function (el) {
      return el.getBoundingClientRect().right > doc.clientWidth + 1 && !el.closest(".table-scroll, .chart-box, .skip-link");
    }).slice(0, 5).map(function (el) { return el.tagName + "." + el.className; });
    done({ scrollWidth: doc.scrollWidth, clientWidth: doc.clientWidth, wide: wide, charts: charts(),
           skipFirst: document.querySelector("body a, body button") === document.querySelector(".skip-link"),
           toggle: !!document.querySelector(".menu-toggle[aria-controls=sidebar]"),
           toggleShown: getComputedStyle(document.querySelector(".menu-toggle")).display !== "none",
           sidebarShown: getComputedStyle(document.getElementById("sidebar")).display !== "none" });
  });
})();
