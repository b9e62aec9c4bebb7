/*
 * Keys on the projector view, as in slide software: → ↓ PageDown Space for next,
 * ← ↑ PageUp for previous, F for full screen.
 */
(function () {
  "use strict";
  var body = document.body;
  var url = body.dataset.navigateUrl;
  var csrf = JSON.parse(body.getAttribute("hx-headers") || "{}")["X-CSRFToken"];
  var sending = false;
  var NEXT = ["ArrowRight", "ArrowDown", "PageDown", " ", "Spacebar"];
  var PREVIOUS = ["ArrowLeft", "ArrowUp", "PageUp"];

  function navigate(action) {
    if (sending) return;
    sending = true;
    var form = new FormData();
    form.append("action", action);
    fetch(url, {
      method: "POST",
      body: form,
      credentials: "same-origin",
      headers: {"X-CSRFToken": csrf, "X-Requested-By": "projector"}
    }).finally(function () {
      sending = false;
      document.dispatchEvent(new CustomEvent("live:poll-now"));
    });
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (NEXT.indexOf(event.key) !== -1) {
      event.preventDefault();
      navigate("next");
    } else if (PREVIOUS.indexOf(event.key) !== -1) {
      event.preventDefault();
      navigate("previous");
    } else if (event.key === "f" || event.key === "F") {
      if (document.fullscreenElement) document.exitFullscreen();
      else document.documentElement.requestFullscreen().catch(function () {});
    }
  });
})();
