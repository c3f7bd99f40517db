/* Colloquy: a writer corrects their comment where it stands. "Edit or withdraw" opens the
   correction form inside the comment (fetched from the correction page, so the text is
   exactly what they wrote and the form carries its CSRF token); Save sends it as the page
   would, Cancel (or Escape) puts the comment back. Without this script, or if anything
   fails, the link opens the correction page itself. */
(function () {
  "use strict";

  function restore(item, form, link) {
    form.remove();
    item.querySelector(".comment-body").hidden = false;
    link.closest(".comment-actions").hidden = false;
    link.focus();
  }

  function open(link, html) {
    var item = link.closest("li.comment");
    var body = item && item.querySelector(".comment-body");
    var page = new DOMParser().parseFromString(html, "text/html");
    var found = page.querySelector("form.own-edit-form");
    if (!body || !found) { throw new Error("no correction form"); }
    var form = document.importNode(found, true);
    var id = "own-edit-" + item.getAttribute("data-comment-id");
    form.action = link.href;
    form.classList.add("own-edit-inline");
    form.removeAttribute("id");
    // The page's own comment form has a field of the same id: give this one its own.
    var field = form.querySelector("textarea");
    var label = form.querySelector("label[for='" + field.id + "']");
    field.id = id;
    if (label) { label.htmlFor = id; }
    var window_ = page.querySelector(".own-edit-window");
    if (window_) { form.insertBefore(document.importNode(window_, true), form.firstChild); }
    var cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "button-secondary";
    cancel.textContent = link.getAttribute("data-cancel") || "Cancel";
    var save = form.querySelector("button[type=submit]");
    save.insertAdjacentElement("afterend", cancel);
    save.insertAdjacentText("afterend", " ");
    cancel.addEventListener("click", function () { restore(item, form, link); });
    form.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { restore(item, form, link); }
    });
    body.hidden = true;
    link.closest(".comment-actions").hidden = true;
    body.insertAdjacentElement("afterend", form);
    field.focus();
    field.setSelectionRange(field.value.length, field.value.length);
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a.edit-link") : null;
    if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey ||
        event.altKey) { return; }
    if (link.closest("li.comment").querySelector(".own-edit-inline")) { return; }
    event.preventDefault();
    fetch(link.href, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.text();
      })
      .then(function (html) { open(link, html); })
      .catch(function () { window.location.assign(link.href); });  // the page says why
  });
})();
