/* Colloquy: reading a discussion. Relative times beside the absolute ones,
   collapsible threads, the comment named in the URL highlighted, and the comments new since
   this reader's last visit marked and stepped through.
   Without it the page still reads in full: absolute times, every reply shown.
   Words come translated from the template's data- attributes. */
(function () {
  "use strict";

  /* ---- Relative times: "2 minutes ago" beside the site-zone date and time the server
     wrote, which stays in the page: readers cite comments by it ("Anonymous 13:41"). */
  var STEPS = [ // [unit, seconds in it, use it below this many seconds]
    ["second", 1, 45],
    ["minute", 60, 45 * 60],
    ["hour", 3600, 22 * 3600],
    ["day", 86400, 7 * 86400],
    ["week", 7 * 86400, 30 * 86400],
    ["month", 30.44 * 86400, 365 * 86400],
    ["year", 365.25 * 86400, Infinity]
  ];

  function relativeFormat() {
    if (!window.Intl || !Intl.RelativeTimeFormat) { return null; }
    try {
      return new Intl.RelativeTimeFormat(document.documentElement.lang || undefined,
        { numeric: "auto" });
    } catch (error) {
      return new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
    }
  }

  function relativeText(format, then, now) {
    var seconds = (then - now) / 1000;
    var size = Math.abs(seconds);
    for (var i = 0; i < STEPS.length; i++) {
      if (size < STEPS[i][2]) {
        // Under 45 seconds is "now"; a clock a little ahead of ours is not "in 5 seconds".
        var count = i === 0 ? 0 : Math.round(seconds / STEPS[i][1]);
        return format.format(count, STEPS[i][0]);
      }
    }
    return "";
  }

  function relativeTimes(now) {
    var format = relativeFormat();
    if (!format) { return; }
    document.querySelectorAll(".comment-permalink time[datetime]").forEach(function (time) {
      var then = Date.parse(time.getAttribute("datetime"));
      if (isNaN(then)) { return; }
      var shown = document.createElement("span");
      shown.className = "time-relative";
      shown.textContent = relativeText(format, then, now);
      time.after(shown);
    });
  }

  relativeTimes(Date.now());

  var section = document.getElementById("comments");
  var list = section && section.querySelector(".comment-list");
  if (!list) { return; }
  var words = section.dataset;
  list.classList.add("is-enhanced");

  function level(item) { return parseInt(item.dataset.level || "0", 10); }

  function actionsOf(item) {
    var actions = item.querySelector(".comment-actions");
    if (!actions) {
      actions = document.createElement("div");
      actions.className = "comment-actions";
      (item.querySelector("article") || item).appendChild(actions);
    }
    return actions;
  }

  /* ---- Collapsing a thread. The list is flat (one <li> per comment, in thread order), so
     an item's replies are the items after it with a greater level. */
  function setCollapsed(item, collapsed) {
    var toggle = item.querySelector(".thread-toggle");
    var note = item.querySelector(".replies-hidden");
    item.classList.toggle("is-collapsed", collapsed);
    if (toggle) {
      toggle.setAttribute("aria-expanded", String(!collapsed));
      toggle.textContent = collapsed ? words.showReplies : words.hideReplies;
    }
    if (note) { note.hidden = !collapsed; }
    var top = level(item);
    var stillFolded = Infinity; // the level of a collapsed reply whose own replies stay hidden
    for (var next = item.nextElementSibling; next && level(next) > top;
      next = next.nextElementSibling) {
      var depth = level(next);
      if (collapsed) { next.hidden = true; continue; }
      if (depth > stillFolded) { continue; }
      stillFolded = next.classList.contains("is-collapsed") ? depth : Infinity;
      next.hidden = false;
    }
  }

  list.querySelectorAll("li.comment[data-replies-hidden]").forEach(function (item) {
    var next = item.nextElementSibling;
    if (!next || level(next) <= level(item)) { return; }
    var toggle = document.createElement("button");
    toggle.type = "button";
    toggle.className = "thread-toggle";
    toggle.setAttribute("aria-expanded", "true");
    toggle.textContent = words.hideReplies;
    var note = document.createElement("span");
    note.className = "replies-hidden";
    note.hidden = true;
    note.textContent = item.dataset.repliesHidden;
    var actions = actionsOf(item);
    actions.append(toggle, note);
  });

  list.addEventListener("click", function (event) {
    var toggle = event.target.closest(".thread-toggle");
    if (!toggle) { return; }
    var item = toggle.closest("li.comment");
    setCollapsed(item, !item.classList.contains("is-collapsed"));
  });

  function ancestorsOf(item) {
    var found = [];
    var below = level(item);
    for (var before = item.previousElementSibling; before && below > 0;
      before = before.previousElementSibling) {
      if (level(before) < below) {
        found.push(before);
        below = level(before);
      }
    }
    return found;
  }

  /* ---- The comment in view: named in the URL, or stepped to. Its folded ancestors open. */
  var current = null;

  function showComment(item) {
    ancestorsOf(item).forEach(function (ancestor) {
      if (ancestor.classList.contains("is-collapsed")) { setCollapsed(ancestor, false); }
    });
    if (current) { current.classList.remove("comment-target"); }
    current = item;
    item.classList.add("comment-target");
    item.scrollIntoView({ block: "start" });
  }

  function showFromHash() {
    var match = /^#comment-(\d+)$/.exec(window.location.hash);
    var item = match && document.getElementById("comment-" + match[1]);
    if (item && item.parentElement === list) { showComment(item); }
  }

  /* ---- New since the last visit, remembered in this browser (no account): per post, the
     time of the latest page view and the time the current visit's marks are counted from.
     Views less than VISIT_GAP apart are one visit, so posting a comment or reloading keeps
     the marks. */
  var VISIT_GAP = 30 * 60 * 1000;
  var storageKey = "colloquy.visit." + section.dataset.post;

  function lastVisit() {
    try {
      var saved = JSON.parse(window.localStorage.getItem(storageKey));
      return saved && typeof saved.at === "number" ? saved : null;
    } catch (error) {
      return null; // storage blocked or full: every comment simply stays unmarked
    }
  }

  function rememberVisit(visit) {
    try { window.localStorage.setItem(storageKey, JSON.stringify(visit)); } catch (error) { }
  }

  function markNew(now) {
    var visit = lastVisit();
    var since = null; // a first visit marks nothing: everything would be new
    if (visit) { since = now - visit.at < VISIT_GAP ? visit.since : visit.at; }
    rememberVisit({ at: now, since: since });
    if (typeof since !== "number") { return []; }
    var fresh = [];
    list.querySelectorAll("li.comment:not(.comment-placeholder):not(.comment-pending)")
      .forEach(function (item) {
        var time = item.querySelector(".comment-permalink time[datetime]");
        if (!time || !(Date.parse(time.getAttribute("datetime")) > since)) { return; }
        item.classList.add("comment-new");
        var badge = document.createElement("strong");
        badge.className = "badge badge-new";
        badge.textContent = words.newBadge;
        item.querySelector(".comment-author").after(" ", badge);
        fresh.push(item);
      });
    return fresh;
  }

  var fresh = markNew(Date.now());
  var bar = section.querySelector(".new-comments");
  if (fresh.length && bar) {
    var position = bar.querySelector(".new-position");
    var step = -1;
    bar.querySelector(".new-count").textContent = String(fresh.length);
    bar.hidden = false;
    bar.querySelector(".next-new").addEventListener("click", function () {
      step = (step + 1) % fresh.length;
      showComment(fresh[step]);
      // Focus stays on the button, so Enter steps on; the status says where we are.
      position.textContent = words.newPosition
        .replace("%(index)s", String(step + 1))
        .replace("%(count)s", String(fresh.length));
    });
  }

  showFromHash();
  window.addEventListener("hashchange", showFromHash);
})();
