/* Counts the step timer down on screen between server updates (the server owns the state). */
(function () {
  "use strict";
  function format(seconds) {
    var sign = seconds < 0 ? "+" : "";
    var s = Math.abs(seconds);
    var rest = s % 60;
    return sign + Math.floor(s / 60) + ":" + (rest < 10 ? "0" : "") + rest;
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-timer]").forEach(function (el) {
      if (!el.dataset.deadline) {
        el.dataset.deadline = String(now + parseInt(el.dataset.secondsLeft, 10) * 1000);
      }
      if (el.dataset.running !== "1") return;
      var left = Math.ceil((parseInt(el.dataset.deadline, 10) - now) / 1000);
      el.textContent = format(left);
      el.classList.toggle("over", left < 0);
    });
  }
  setInterval(tick, 1000);
  tick();
})();
