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

  // Resolves true once the part shows the new state, false when it was left as it is.
  function refreshPart(part, state) {
    // Save what the participant typed before the panel it is in is replaced.
    var flushed = part.dataset.refresh !== "any" && window.flushAutosaves ?
      window.flushAutosaves(part) : Promise.resolve();
    var started;
    return flushed.then(function () { return spreadOut(part, state); }).then(function () {
      started = Date.now();
      return fetch(part.dataset.liveUrl, {
        cache: "no-store",
        credentials: "same-origin",
        headers: {"HX-Request": "true"}
      });
    }).then(function (response) {
      if (!response.ok) throw new Error("refresh failed: " + response.status);
      return response.text();
    }).then(function (html) {
      var current = document.getElementById(part.id);
      if (!current) return false;
      // The facilitator sent a form of this part while the refresh was under way: its answer
      // is newer than this HTML, so keep it (the next poll fetches the part again).
      if ((lastSent[part.id] || 0) >= started) return false;
      var unsent = unsentChoices(current);
      htmx.swap(current, html, {swapStyle: "outerHTML"});
      restoreChoices(document.getElementById(part.id), unsent);
      announce(part);
      document.dispatchEvent(new CustomEvent("live:refreshed", {detail: {id: part.id}}));
      return true;
    });
  }

  // When a form inside each live part was last sent (htmx announces every request it
  // starts). Kept here, not on the element: the answer replaces the element.
  var lastSent = {};
  document.addEventListener("htmx:beforeRequest", function (event) {
    var part = event.detail.elt.closest && event.detail.elt.closest("[data-live-url]");
    if (part && part.id) lastSent[part.id] = Date.now();
  });

  // A form in a part that refreshes on any change (the controls) may hold a choice the
  // facilitator has made but not sent yet: a radio button, a note. Such forms are marked on
  // input, and their values are carried over into the same form of the fresh part, so a
  // phone's answer elsewhere never undoes them. Forms are matched by where they post and
  // the entry they are about.
  document.addEventListener("input", markUnsent);
  document.addEventListener("change", markUnsent);
  function markUnsent(event) {
    var form = event.target.form;
    var part = form && form.closest("[data-live-url]");
    if (part && part.dataset.refresh === "any") form.dataset.unsent = "1";
  }

  function formKey(form) {
    var entry = form.querySelector("input[type=hidden][name=entry]");
    return (form.getAttribute("hx-post") || form.getAttribute("action") || "") + "#" + (entry ? entry.value : "");
  }

  function editableFields(form) {
    return Array.prototype.filter.call(form.elements, function (field) {
      return field.name && field.tagName !== "BUTTON" && !/^(hidden|submit|button)$/.test(field.type);
    });
  }

  function unsentChoices(part, except) {
    return Array.prototype.filter.call(part.querySelectorAll("form[data-unsent]"), function (form) {
      return form !== except;
    }).map(function (form) {
      return {key: formKey(form), fields: editableFields(form).map(function (field) {
        return {name: field.name, value: field.value, checked: field.checked};
      })};
    });
  }

  function restoreChoices(part, unsent) {
    if (!part || !unsent.length) return;
    Array.prototype.forEach.call(part.querySelectorAll("form"), function (form) {
      var key = formKey(form);
      unsent.filter(function (saved) { return saved.key === key; }).forEach(function (saved) {
        var fields = editableFields(form);
        saved.fields.forEach(function (was) {
          fields.filter(function (field) { return field.name === was.name; }).forEach(function (field) {
            if (field.type === "radio" || field.type === "checkbox") {
              if (field.value === was.value) field.checked = was.checked;
            } else {
              field.value = was.value;
            }
          });
        });
        form.dataset.unsent = "1";
      });
    });
  }

  // The same when the facilitator sends one form and the answer replaces the whole part:
  // the other forms keep what was chosen in them; the one sent shows what was stored.
  var carried = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    carried = null;
    if (target && target.id && target.dataset.liveUrl && target.dataset.refresh === "any") {
      var sent = event.detail.elt;  // the form (or its button) that was sent
      carried = {id: target.id, unsent: unsentChoices(target, sent && sent.closest && sent.closest("form"))};
    }
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (carried) restoreChoices(document.getElementById(carried.id), carried.unsent);
    carried = null;
  });

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
      .then(function (swapped) {
        return skipped.length === 0 && swapped.every(function (done) { return done; });
      });
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
