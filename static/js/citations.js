/* Colloquy citations: a link to a cited comment ("Anon 23:42 (2)", made by the server
   when exactly one shown comment has that label) shows the cited comment beside it when
   pointed at or focused with the keyboard; Escape, or leaving it, hides it again. The box
   stays while the pointer moves onto it (WCAG 1.4.13). Without this script the link still
   leads to the comment. */
(function () {
  "use strict";

  var box = null;
  var owner = null;
  var hideTimer = null;

  function citationOf(node) {
    return node && node.closest ? node.closest("a.citation[data-cites]") : null;
  }

  function make(link) {
    var item = document.getElementById("comment-" + link.getAttribute("data-cites"));
    var article = item && item.querySelector("article");
    if (!article) { return null; }  // on another comment page: the link alone leads there
    var made = document.createElement("div");
    made.id = "citation-popover";
    made.className = "citation-popover";
    made.setAttribute("role", "tooltip");
    var who = article.querySelector(".comment-author");
    var when = article.querySelector(".comment-permalink time");
    var head = document.createElement("p");
    head.className = "citation-popover-head";
    head.textContent = (who ? who.textContent.trim() : "") +
      (when ? " · " + when.textContent.trim() : "");
    made.appendChild(head);
    var body = article.querySelector(".comment-body");
    if (body) {
      var copy = body.cloneNode(true);
      copy.className = "citation-popover-body";
      made.appendChild(copy);
    }
    made.addEventListener("mouseenter", function () { window.clearTimeout(hideTimer); });
    made.addEventListener("mouseleave", function () { later(); });
    return made;
  }

  function place(link, made) {
    var rect = link.getBoundingClientRect();
    var page = document.documentElement.clientWidth;
    var width = Math.min(made.offsetWidth, page - 16);
    var left = Math.max(8, Math.min(rect.left, page - width - 8));
    made.style.left = (left + window.scrollX) + "px";
    made.style.top = (rect.bottom + window.scrollY + 6) + "px";
  }

  function hide() {
    window.clearTimeout(hideTimer);
    if (box) { box.remove(); }
    if (owner) { owner.removeAttribute("aria-describedby"); }
    box = owner = null;
  }

  function later() {
    window.clearTimeout(hideTimer);
    hideTimer = window.setTimeout(function () {
      if (owner && document.activeElement === owner) { return; }
      hide();
    }, 250);
  }

  function show(link) {
    window.clearTimeout(hideTimer);
    if (owner === link) { return; }
    hide();
    var made = make(link);
    if (!made) { return; }
    document.body.appendChild(made);
    place(link, made);
    link.setAttribute("aria-describedby", made.id);
    box = made;
    owner = link;
  }

  document.addEventListener("mouseover", function (event) {
    var link = citationOf(event.target);
    if (link) { show(link); }
  });
  document.addEventListener("mouseout", function (event) {
    var link = citationOf(event.target);
    if (link && link === owner && !link.contains(event.relatedTarget)) { later(); }
  });
  document.addEventListener("focusin", function (event) {
    var link = citationOf(event.target);
    if (link) { show(link); } else if (box) { hide(); }
  });
  document.addEventListener("focusout", function (event) {
    if (citationOf(event.target) === owner) { later(); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && box) { hide(); }
  });
})();
