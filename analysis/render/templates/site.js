// The website's behaviour: the menu on narrow screens, and the values of a chart's marks shown
// beside the mark on hover and on keyboard focus (each mark also carries them as its <title>).
(function () {
  "use strict";
  function menu() {
    var button = document.querySelector(".menu-toggle");
    var sidebar = document.getElementById("sidebar");
    if (!button || !sidebar) { return; }
    button.addEventListener("click", function () {
      var open = sidebar.classList.toggle("open");
      button.setAttribute("aria-expanded", open ? "true" : "false");
      if (open) { var first = sidebar.querySelector("a, input"); if (first) { first.focus(); } }
    });
  }
  function tooltips() {
    var tip = document.createElement("div");
    tip.className = "chart-tooltip";
    tip.setAttribute("aria-hidden", "true");
    tip.hidden = true;
    document.body.appendChild(tip);
    function show(event) {
      var mark = event.target.closest ? event.target.closest(".mark") : null;
      if (!mark) { return; }
      var box = mark.getBoundingClientRect();
      tip.textContent = mark.getAttribute("aria-label");
      tip.hidden = false;
      var left = Math.min(window.scrollX + box.right + 6, window.scrollX + document.documentElement.clientWidth - tip.offsetWidth - 4);
      tip.style.left = Math.max(window.scrollX + 4, left) + "px";
      tip.style.top = (window.scrollY + box.top - tip.offsetHeight - 4) + "px";
    }
    function hide(event) {
      if (event.target.closest && event.target.closest(".mark")) { tip.hidden = true; }
    }
    document.addEventListener("mouseover", show);
    document.addEventListener("focusin", show);
    document.addEventListener("mouseout", hide);
    document.addEventListener("focusout", hide);
  }
  document.addEventListener("DOMContentLoaded", function () { menu(); tooltips(); });
})();
