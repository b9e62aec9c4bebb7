/*
 * Nothing typed is lost. Forms marked data-autosave are sent by htmx (their hx-trigger
 * says when: after a pause in typing, on submit, and on "flush"). This script
 *  - remembers which forms hold unsaved text,
 *  - shows "offline, saving when back" when a save can't reach the server, and sends it
 *    again when the connection returns,
 *  - lets live.js flush every unsaved form before it replaces the panel on a step change,
 *  - shows a character counter near a field's limit.
 */
(function () {
  "use strict";
  var RETRY_MS = 4000;

  function formOf(el) { return el && el.closest ? el.closest("form[data-autosave]") : null; }

  function setState(form, state) {
    form.dataset.saveState = state;
    var line = form.querySelector(".save-status");
    if (!line) return;
    var text = form.dataset["msg" + state.charAt(0).toUpperCase() + state.slice(1)];
    if (text) {
      var p = line.querySelector(".save-state") || document.createElement("p");
      p.className = "save-state " + state;
      p.textContent = text;
      if (!p.parentNode) line.appendChild(p);
    }
  }

  function hasText(form) {
    return Array.prototype.some.call(form.querySelectorAll("textarea, input[type=text]"), function (f) {
      return f.value.trim() !== "";
    });
  }

  document.addEventListener("input", function (event) {
    var form = formOf(event.target);
    if (form) { form.dataset.dirty = "1"; setState(form, "typing"); }
    counter(event.target);
  });
  document.addEventListener("change", function (event) {
    var form = formOf(event.target);
    if (form) form.dataset.dirty = "1";
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = formOf(event.detail.elt);
    if (!form || event.detail.elt !== form) return;
    if (event.detail.successful) {
      delete form.dataset.dirty;
    } else if (!event.detail.xhr || event.detail.xhr.status === 0) {
      setState(form, "offline");
      setTimeout(function () { retry(form); }, RETRY_MS);
    } else {
      // The server answered with a problem (too long, locked, conflict): it is shown in
      // the status line; the text stays in the field and is not re-sent on its own.
      delete form.dataset.dirty;
    }
  });
  document.addEventListener("htmx:sendError", function (event) {
    var form = formOf(event.detail.elt);
    if (form) { setState(form, "offline"); setTimeout(function () { retry(form); }, RETRY_MS); }
  });

  function retry(form) {
    if (form.isConnected && form.dataset.dirty) htmx.trigger(form, "flush");
  }
  window.addEventListener("online", function () {
    document.querySelectorAll("form[data-autosave][data-dirty]").forEach(retry);
  });

  // Send every form with unsaved text now; resolve when they are done (or after 3 s).
  window.flushAutosaves = function (scope) {
    var forms = Array.prototype.filter.call(
      (scope || document).querySelectorAll("form[data-autosave][data-dirty]"),
      function (form) { return form.dataset.autosave !== "note" || hasText(form); }
    );
    if (!forms.length) return Promise.resolve();
    return new Promise(function (resolve) {
      var left = forms.length;
      var done = function () { left -= 1; if (left <= 0) resolve(); };
      forms.forEach(function (form) {
        form.addEventListener("htmx:afterRequest", done, {once: true});
        htmx.trigger(form, "flush");
      });
      setTimeout(resolve, 3000);
    });
  };

  // "123 / 280" under a field once it is 80% full; the field's maxlength stops the rest.
  function counter(field) {
    if (!field || !field.maxLength || field.maxLength < 1 || !field.id) return;
    var out = document.getElementById(field.id + "-counter");
    if (!out) return;
    var used = field.value.length;
    out.hidden = used < field.maxLength * 0.8;
    out.textContent = used + " / " + field.maxLength;
  }
})();
