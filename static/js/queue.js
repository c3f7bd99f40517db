/* The moderation queue, worked from the keyboard: one key per action.
 *
 * j/k move between cards, a approves, s marks spam, r moves to the card's reason field
 * (Enter there rejects, Escape goes back to the card), e opens the comment's page, ? lists
 * the keys. Keys do nothing while typing in a field or with a modifier held. Every action is
 * the card's own button, so the server sees exactly what a click would send. After an action
 * the page reloads; the card that took the acted-on card's place gets the focus.
 */
(function () {
  "use strict";
  var STORE = "colloquy-queue-position";

  function cards() {
    return Array.prototype.slice.call(document.querySelectorAll("article.queue-item"));
  }

  function currentIndex() {
    var list = cards();
    var active = document.activeElement;
    for (var i = 0; i < list.length; i++) {
      if (list[i] === active || list[i].contains(active)) return i;
    }
    return -1;
  }

  function focusCard(index) {
    var list = cards();
    if (!list.length) return;
    index = Math.max(0, Math.min(index, list.length - 1));
    list[index].focus({ preventScroll: true });
    list[index].scrollIntoView({ block: "nearest" });
  }

  function typing(target) {
    if (!target || !target.tagName) return false;
    var tag = target.tagName.toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
  }

  function press(card, selector) {
    var button = card && card.querySelector(selector);
    if (!button) return;
    try {
      sessionStorage.setItem(STORE, String(currentIndex()));
    } catch (e) {
      /* storage refused: the focus simply starts at the top */
    }
    button.click();
  }

  function openKeys() {
    var dialog = document.getElementById("queue-keys");
    if (dialog && !dialog.open && dialog.showModal) dialog.showModal();
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target && target.classList && target.classList.contains("queue-reason")) {
      var card = target.closest("article.queue-item");
      if (event.key === "Enter") {
        event.preventDefault();
        press(card, ".queue-reject");
      } else if (event.key === "Escape") {
        event.preventDefault();
        card.focus();
      }
      return;
    }
    if (typing(target)) return;
    var dialog = document.getElementById("queue-keys");
    if (dialog && dialog.open) return;
    var index = currentIndex();
    var current = index >= 0 ? cards()[index] : null;
    switch (event.key) {
      case "j":
        focusCard(index + 1);
        break;
      case "k":
        focusCard(index < 0 ? 0 : index - 1);
        break;
      case "a":
        press(current, ".queue-approve");
        break;
      case "s":
        press(current, ".queue-spam");
        break;
      case "r":
        if (!current) return;
        current.querySelector(".queue-reason").focus();
        break;
      case "e":
        if (!current) return;
        window.location.href = current.querySelector("a.queue-edit").href;
        break;
      case "?":
        openKeys();
        break;
      default:
        return;
    }
    event.preventDefault();
  });

  document.addEventListener("DOMContentLoaded", function () {
    var open = document.getElementById("queue-keys-open");
    if (open) open.addEventListener("click", openKeys);
    var saved = null;
    try {
      saved = sessionStorage.getItem(STORE);
      sessionStorage.removeItem(STORE);
    } catch (e) {
      saved = null;
    }
    if (saved !== null && cards().length) focusCard(Math.max(0, parseInt(saved, 10) || 0));
  });
})();
