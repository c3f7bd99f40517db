/* Colloquy: a comment is sent once, even after Back and Post again (comments/once.py).
   The post page is the same for every reader, so its form has no one-time key: one is made
   here when the reader posts, and kept in this tab's sessionStorage with what was sent.
   Back then finds the form as the browser kept it (the text, but not always the hidden
   parent, nor where comments.js had moved the form): if it still holds that text, the form
   goes back under the comment it answered, and Post sends the same key again. */
(function () {
  "use strict";

  var form = document.getElementById("comment-form");
  var keyInput = form && form.querySelector("input[name=once]");
  if (!keyInput) { return; }
  var parentInput = form.querySelector("input[name=parent]");
  var quoteInput = form.querySelector("textarea[name=quote]");
  var quoteField = form.querySelector(".field-quote");
  var body = form.querySelector("textarea[name=body]");
  var store = "colloquy-once:" + form.getAttribute("action");

  function newKey() {
    var bytes = new Uint8Array(18);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function sent() {
    try { return JSON.parse(window.sessionStorage.getItem(store)) || null; } catch (e) { return null; }
  }

  function keep(draft) {
    try { window.sessionStorage.setItem(store, JSON.stringify(draft)); } catch (e) { /* private mode */ }
  }

  function now() {
    return {
      parent: parentInput ? parentInput.value : "",
      quote: quoteInput ? quoteInput.value : "",
      body: body ? body.value : ""
    };
  }

  /* Capture phase: before comments.js, which may hold the submit to fetch a CSRF token. */
  form.addEventListener("submit", function () {
    var draft = now();
    var last = sent();
    var same = last && last.parent === draft.parent && last.body === draft.body &&
      last.quote === draft.quote;
    if (same) {
      draft.key = last.key;            // the same comment again: the same key
    } else if (keyInput.value && !(last && last.key === keyInput.value)) {
      draft.key = keyInput.value;      // the key a reply page was made with
    } else {
      draft.key = newKey();            // a new comment
    }
    keyInput.value = draft.key;
    keep(draft);
  }, true);

  /* Back to the page the comment was sent from: put the form back where it was. */
  function restore() {
    var last = sent();
    if (!last || !body || body.value !== last.body || !last.parent) { return; }
    var item = document.getElementById("comment-" + last.parent);
    if (!item || item.contains(form)) { return; }
    var link = item.querySelector(".reply-link[data-reply-to]");
    if (!link) { return; }
    link.click(); // comments.js opens the reply form under the comment
    if (quoteInput && last.quote) {
      quoteInput.value = last.quote;
      quoteInput.dispatchEvent(new Event("input"));
      if (quoteField) { quoteField.hidden = false; }
    }
  }
  window.addEventListener("pageshow", restore);
})();
