/*
 * Live updates for phones, the projector and the controls.
 *
 * Every 1.5 s the page asks the server "anything new since version N?". The answer is
 * 204 (nothing) or a tiny JSON {v, status, step, p, n}. Only then are the page's live parts
 * fetched again, and a part marked data-refresh="step" only when the step or the status
 * changed (data-refresh="closed": only when the session closes), so a form someone is typing in is never
 * re-rendered by a mere join elsewhere.
 * Polling pauses while the tab is hidden, retries quietly while offline and stops once
 * the session is closed. No eval, no inline script: the page's CSP forbids both.
 */
(function () {
  "use strict";
  var root = document.body;
  var pollUrl = root.dataset.pollUrl;
  if (!pollUrl) return;
  var interval = parseInt(root.dataset.pollInterval || "1500", 10);
  var version = root.dataset.version;
  var timer = null;
  var busy = false;
  var stopped = false;
  var failures = 0;

  function showOffline(offline) {
    var banner = document.getElementById("connection");
    if (banner) banner.hidden = !offline;
    root.classList.toggle("is-offline", offline);
  }

  function announce(part) {
    var announcer = document.getElementById("announcer");
    var fresh = document.getElementById(part.id);
    if (announcer && fresh && fresh.dataset.title) announcer.textContent = fresh.dataset.title;
  }

  // data-refresh: on "any" change, when the "step" (or the status) changes, or only once
  // the session is "closed" (for a part someone may be typing in while the agenda moves).
  function needsRefresh(part, state) {
    var mode = part.dataset.refresh;
    if (mode === "any") return true;
    var statusChanged = state.status !== part.dataset.status;
    if (mode === "closed") return statusChanged && state.status === "closed";
    return statusChanged || String(state.step === null ? "" : state.step) !== part.dataset.step ||
      (part.dataset.phoneVersion !== undefined && String(state.p) !== part.dataset.phoneVersion);
  }

  function refreshPart(part, state) {
    // Save what the participant typed before the panel it is in is replaced.
    var flushed = part.dataset.refresh !== "any" && window.flushAutosaves ?
      window.flushAutosaves(part) : Promise.resolve();
    return flushed.then(function () { return spreadOut(part, state); }).then(function () { return fetch(part.dataset.liveUrl, {
      cache: "no-store",
      credentials: "same-origin",
      headers: {"HX-Request": "true"}
    }).then(function (response) {
      if (!response.ok) throw new Error("refresh failed: " + response.status);
      return response.text();
    }).then(function (html) {
      var current = document.getElementById(part.id);
      if (!current) return;
      htmx.swap(current, html, {swapStyle: "outerHTML"});
      announce(part);
      document.dispatchEvent(new CustomEvent("live:refreshed", {detail: {id: part.id}}));
    }); });
  }

  // In a large room every phone would fetch its new exercise in the same second and the
  // server would queue them all at once (docs/benchmarks.md). The panel says how many
  // milliseconds to spread those fetches per participant (data-spread-ms-per-participant;
  // none on the wall or the controls), the poll how many have joined now (state.n): each
  // phone waits a random part of the product.
  function spreadOut(part, state) {
    var perParticipant = parseInt(part.dataset.spreadMsPerParticipant || "0", 10);
    var spread = perParticipant * (parseInt(state.n, 10) || 0);
    return new Promise(function (resolve) {
      setTimeout(resolve, spread > 0 ? Math.random() * spread : 0);
    });
  }

  // The facilitator may be typing in a part that refreshes on any change (a quote, an
  // agreement on the controls): leave it alone until the field loses focus.
  function isBeingTyped(part) {
    var active = document.activeElement;
    return part.dataset.refresh === "any" && active && part.contains(active) &&
      (active.tagName === "TEXTAREA" || active.tagName === "SELECT" ||
       (active.tagName === "INPUT" && /^(text|date|number|search|email|url)$/.test(active.type)));
  }

  // Resolves true when every part that needed it was refreshed, false when one was skipped
  // (then the version stays, and the next poll tries again).
  function refresh(state) {
    var parts = Array.prototype.slice.call(document.querySelectorAll("[data-live-url]"))
      .filter(function (part) { return needsRefresh(part, state); });
    var skipped = parts.filter(isBeingTyped);
    return Promise.all(parts.filter(function (part) { return skipped.indexOf(part) === -1; })
      .map(function (part) { return refreshPart(part, state); }))
      .then(function () { return skipped.length === 0; });
  }

  function schedule(delay) {
    clearTimeout(timer);
    if (!stopped) timer = setTimeout(poll, delay);
  }

  function poll() {
    if (busy || stopped) return;
    if (document.hidden) return;  // "visibilitychange" starts us again
    busy = true;
    fetch(pollUrl + "?v=" + encodeURIComponent(version), {cache: "no-store", credentials: "same-origin"})
      .then(function (response) {
        if (response.status === 204) return null;
        // The session is gone (deleted, purged): stop asking. Each poll of an unknown code
        // counts as a wrong join code for this address, and phones in a venue share one.
        if (response.status === 404 || response.status === 429) { stopped = true; return null; }
        if (!response.ok) throw new Error("poll failed: " + response.status);
        return response.json().then(function (state) {
          // Only move to the new version once every part shows it; a failed
          // refresh is retried on the next poll instead of being skipped.
          return refresh(state).then(function (complete) {
            if (!complete) return;
            version = String(state.v);
            if (state.status === "closed") stopped = true;
          });
        });
      })
      .then(function () {
        failures = 0;
        showOffline(false);
      })
      .catch(function () {
        failures += 1;
        showOffline(failures >= 2 || !navigator.onLine);
      })
      .then(function () {
        busy = false;
        // Back off gently while the network is down, up to 10 s between tries.
        schedule(failures ? Math.min(interval * (failures + 1), 10000) : interval);
      });
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) schedule(0);
  });
  window.addEventListener("online", function () { failures = 0; schedule(0); });
  window.addEventListener("offline", function () { showOffline(true); });
  document.addEventListener("live:poll-now", function () { schedule(0); });
  schedule(interval);
})();
