/* Colloquy comments: inline reply and quote-and-reply. Everything also works without it. */
(function () {
  "use strict";
  var form = document.getElementById("comment-form");
  if (!form || !document.querySelector(".comment-list")) { return; }
  var home = document.createComment("comment-form-home");
  form.parentNode.insertBefore(home, form);
  var heading = form.querySelector("h3");
  var homeHeading = heading ? heading.textContent : "";
  var parentInput = form.querySelector("input[name=parent]");
  var quoteInput = form.querySelector("textarea[name=quote]");
  var quoteField = form.querySelector(".field-quote");
  var body = form.querySelector("textarea[name=body]");
  var cancel = form.querySelector(".cancel-reply");
  var quoteButton = null;
  var pendingQuote = { id: null, text: "" };

  function authorOf(item) {
    var name = item.querySelector(".comment-author");
    return name ? name.textContent.trim() : "";
  }

  function openReply(item, quote) {
    var article = item.querySelector("article");
    article.insertAdjacentElement("afterend", form);
    parentInput.value = item.dataset.commentId;
    if (heading) { heading.textContent = "Reply to " + authorOf(item); }
    quoteInput.value = quote || "";
    quoteField.hidden = !quote;
    cancel.hidden = false;
    form.classList.add("is-reply");
    body.focus();
  }

  function closeReply() {
    home.parentNode.insertBefore(form, home.nextSibling);
    parentInput.value = "";
    quoteInput.value = "";
    quoteField.hidden = true;
    cancel.hidden = true;
    form.classList.remove("is-reply");
    if (heading) { heading.textContent = homeHeading; }
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest(".reply-link[data-reply-to]");
    if (link) {
      event.preventDefault();
      openReply(link.closest(".comment"), "");
      return;
    }
    if (event.target === quoteButton) {
      event.preventDefault();
      var item = document.getElementById("comment-" + pendingQuote.id);
      if (item) { openReply(item, pendingQuote.text); }
      hideQuoteButton();
    }
  });
  cancel.addEventListener("click", function () { closeReply(); });

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
      quoteButton.textContent = "Quote and reply";
    }
    var actions = found.item.querySelector(".comment-actions");
    actions.appendChild(quoteButton);
    quoteButton.hidden = false;
  }

  document.addEventListener("mouseup", function () { window.setTimeout(offerQuote, 0); });
  document.addEventListener("keyup", function (event) {
    if (event.shiftKey || event.key === "Shift") { offerQuote(); }
  });
})();
