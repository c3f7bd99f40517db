/* Colloquy comments: inline reply, quote-and-reply, and focus for the form's errors.
   Everything also works without it: Reply is a link to a reply page of its own. */
(function () {
  "use strict";

  /* A form sent back with errors: focus the summary so it is read out at once, and let its
     links put the cursor in the field they name (following "#id" only scrolls). */
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var field = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!field) { return; }
      event.preventDefault();
      var label = document.querySelector("label[for='" + field.id + "']");
      (label || field).scrollIntoView({ block: "start" });
      field.focus({ preventScroll: true });
    });
  }

  /* Length limits, said before posting: near its limit a field shows "10,234 / 10,000" and,
     when over, by how much. Screen readers hear it through a polite live region once typing
     pauses, not at every keystroke. Nothing is cut: the server refuses what is over. */
  var lang = document.documentElement.lang || undefined;
  function length(text) { return Array.from(text.replace(/\r\n?/g, "\n")).length; }
  function number(n) { return n.toLocaleString(lang); }
  Array.prototype.forEach.call(document.querySelectorAll("[data-max-length]"), function (field) {
    var limit = Number(field.dataset.maxLength);
    var tooLong = field.dataset.tooLong || "%(over)s characters too long: shorten it before posting.";
    var counter = document.createElement("p");
    counter.className = "char-count";
    counter.id = field.id + "_count";
    var spoken = document.createElement("p");
    spoken.className = "visually-hidden";
    spoken.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", counter);
    counter.insertAdjacentElement("afterend", spoken);
    field.setAttribute("aria-describedby",
      ((field.getAttribute("aria-describedby") || "") + " " + counter.id).trim());
    var timer = null;
    var saidOver = false;
    function update() {
      var count = length(field.value);
      var over = count - limit;
      counter.hidden = count < limit * 0.8;
      counter.classList.toggle("is-over", over > 0);
      counter.textContent = number(count) + " / " + number(limit) +
        (over > 0 ? " · " + tooLong.replace("%(over)s", number(over)) : "");
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        // Speak only what matters: over the limit, and back within it after being over.
        if (over > 0 || saidOver) { spoken.textContent = counter.textContent; }
        saidOver = over > 0;
      }, 1000);
    }
    field.addEventListener("input", update);
    update();
  });

  var form = document.getElementById("comment-form");

  /* An anonymous reader's post page is the same for everyone (so caches can keep it): its
     form has no CSRF token. A browser that says the post is same-origin (Sec-Fetch-Site or
     Origin) needs none (config/csrf.py); for one that says neither, fetch the reader's own
     when they start writing, and before sending if they are quicker than that. */
  var tokenInput = form && form.querySelector("input[name=csrfmiddlewaretoken][data-token-url]");
  if (tokenInput) {
    var fetching = null;
    var fetchToken = function () {
      if (!fetching) {
        fetching = fetch(tokenInput.dataset.tokenUrl, { credentials: "same-origin", cache: "no-store" })
          .then(function (response) { return response.ok ? response.json() : Promise.reject(); })
          .then(function (data) { tokenInput.value = data.token; })
          .catch(function () { fetching = null; });
      }
      return fetching;
    };
    form.addEventListener("focusin", fetchToken);
    form.addEventListener("input", fetchToken);
    form.addEventListener("submit", function (event) {
      if (tokenInput.value) { return; }
      event.preventDefault();
      // Sent even if the token could not be fetched: the refusal page keeps the text.
      fetchToken().then(function () { form.submit(); }, function () { form.submit(); });
    });
  }

  if (!form || !document.querySelector(".comment-list")) { return; }
  var home = document.createComment("comment-form-home");
  form.parentNode.insertBefore(home, form);
  var heading = document.getElementById("comment-form-heading");
  var homeHeading = heading ? heading.textContent : "";
  // Translated by the template: "Reply to %(name)s", "Quote and reply".
  var replyHeading = form.dataset.replyHeading || "Reply to %(name)s";
  var quoteLabel = form.dataset.quoteButton || "Quote and reply";
  var parentInput = form.querySelector("input[name=parent]");
  var quoteInput = form.querySelector("textarea[name=quote]");
  var quoteField = form.querySelector(".field-quote");
  var body = form.querySelector("textarea[name=body]");
  var cancel = form.querySelector(".cancel-reply");
  var quoteButton = null;
  var pendingQuote = { id: null, text: "" };
  var openedFrom = null; // the Reply link to return focus to when the reply is cancelled

  function authorOf(item) {
    var name = item.querySelector(".comment-author");
    return name ? name.textContent.trim() : "";
  }

  function showReplyHeading(name) {
    if (!heading) { return; }
    // The name goes in a <bdi>, as on the page: a right-to-left name must not reorder it.
    var parts = replyHeading.split("%(name)s");
    var bdi = document.createElement("bdi");
    bdi.textContent = name;
    heading.textContent = "";
    heading.append(parts[0], bdi, parts.slice(1).join(""));
  }

  function openReply(item, quote) {
    var article = item.querySelector("article");
    article.insertAdjacentElement("afterend", form);
    parentInput.value = item.dataset.commentId;
    showReplyHeading(authorOf(item));
    quoteInput.value = quote || "";
    quoteInput.dispatchEvent(new Event("input")); // its length counter
    quoteField.hidden = !quote;
    cancel.hidden = false;
    form.classList.add("is-reply");
    openedFrom = item.querySelector(".reply-link");
    // Show the whole form, down to its Post button, scrolling no further than that so the
    // comment being answered stays in view (focus() alone would show just the field).
    body.focus({ preventScroll: true });
    var fits = form.offsetHeight <= window.innerHeight;
    var box = (fits ? form : body).getBoundingClientRect();
    if (box.top < 0 || box.bottom > window.innerHeight) {
      (fits ? form : body).scrollIntoView({ block: "nearest" });
    }
  }

  function closeReply() {
    home.parentNode.insertBefore(form, home.nextSibling);
    parentInput.value = "";
    quoteInput.value = "";
    quoteInput.dispatchEvent(new Event("input"));
    quoteField.hidden = true;
    cancel.hidden = true;
    form.classList.remove("is-reply");
    if (heading) { heading.textContent = homeHeading; }
    if (openedFrom) { openedFrom.focus(); }
    openedFrom = null;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest(".reply-link[data-reply-to]");
    // A Ctrl/Cmd/Shift/middle click still opens the reply page in a new tab or window.
    var modified = event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey ||
      event.altKey;
    if (link && !modified) {
      event.preventDefault();
      openReply(link.closest(".comment"), "");
      return;
    }
    if (quoteButton && event.target === quoteButton) {
      event.preventDefault();
      var item = document.getElementById("comment-" + pendingQuote.id);
      if (item) { openReply(item, pendingQuote.text); }
      hideQuoteButton();
    }
  });
  cancel.addEventListener("click", function () { closeReply(); });
  form.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && form.classList.contains("is-reply")) { closeReply(); }
  });

  function hideQuoteButton() {
    if (quoteButton) { quoteButton.hidden = true; }
  }

  function selectedQuote() {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) { return null; }
    var range = selection.getRangeAt(0);
    var start = range.startContainer.parentElement;
    var end = range.endContainer.parentElement;
    var bodyEl = start && start.closest(".comment-body");
    if (!bodyEl || !end || end.closest(".comment-body") !== bodyEl) { return null; }
    var item = bodyEl.closest(".comment");
    if (!item || !item.querySelector(".reply-link")) { return null; }
    // The server compares quotes with whitespace collapsed; paragraph breaks become spaces.
    var text = selection.toString().replace(/\s+/g, " ").trim();
    return text ? { item: item, text: text } : null;
  }

  function offerQuote() {
    var found = selectedQuote();
    if (!found) { hideQuoteButton(); return; }
    pendingQuote = { id: found.item.dataset.commentId, text: found.text };
    if (!quoteButton) {
      quoteButton = document.createElement("button");
      quoteButton.type = "button";
      quoteButton.className = "quote-reply";
      quoteButton.textContent = quoteLabel;
    }
    found.item.querySelector(".comment-actions").appendChild(quoteButton);
    quoteButton.hidden = false;
  }

  document.addEventListener("mouseup", function () { window.setTimeout(offerQuote, 0); });
  document.addEventListener("keyup", function (event) {
    if (event.shiftKey || event.key === "Shift") { offerQuote(); }
  });
})();
