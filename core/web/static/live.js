/* Live parts of a page (progressive enhancement): an element with data-live="<url>" is
   refreshed from that fragment every few seconds. Without JavaScript the page and its
   plain forms work as they are. While focus is inside a live part (someone choosing with
   the keyboard) it is left alone, so nothing moves under the user's hands. */
(function () {
  "use strict";
  var INTERVAL = 2000;
  function refresh(el) {
    if (el.contains(document.activeElement) && document.activeElement !== el) { return; }
    fetch(el.getAttribute("data-live"), { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null || el.contains(document.activeElement) && document.activeElement !== el) { return; }
        if (el.getAttribute("data-html") !== html) {
          el.innerHTML = html;
          el.setAttribute("data-html", html);
        }
      })
      .catch(function () { /* offline for a moment: try again next time */ });
  }
  function start() {
    var live = document.querySelectorAll("[data-live]");
    Array.prototype.forEach.call(live, function (el) {
      setInterval(function () { refresh(el); }, INTERVAL);
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
