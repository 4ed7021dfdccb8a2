/*
 * Amends: the queue's keyboard shortcuts (templates/recovery/_queue_shortcuts.html).
 *
 *   j / ArrowDown   next ticket row        k / ArrowUp   previous ticket row
 *   Enter / o       open the ticket        c             claim it (the row's Claim button)
 *   x               tick it (bulk assign)  /             focus the search
 *   ?               the help overlay (a <dialog>; Escape closes it, focus goes back)
 *
 * Each row has one Tab stop, its reference's link (recovery/templatetags/queue_rows.py):
 * moving to a row focuses that link, so Tab, the shortcuts and a screen reader agree
 * on where the agent is. Nothing happens while the agent types in a field, or with
 * Ctrl, Alt or Meta held (the browser's own shortcuts). No inline script: CSP-friendly.
 */
(function () {
  "use strict";

  var current = null; // the reference (data-ticket) of the current row, kept across refreshes

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("#queue-results tr.queue-row"));
  }

  function rowLink(row) {
    return row.querySelector("a[data-row-link]");
  }

  function currentRow() {
    var focused = document.activeElement && document.activeElement.closest
      ? document.activeElement.closest("tr.queue-row")
      : null;
    if (focused) return focused;
    if (!current) return null;
    return rows().filter(function (row) { return row.dataset.ticket === current; })[0] || null;
  }

  function mark(row) {
    rows().forEach(function (other) { other.classList.toggle("is-current", other === row); });
    current = row ? row.dataset.ticket : null;
  }

  function moveTo(row) {
    if (!row) return;
    mark(row);
    var link = rowLink(row);
    if (link) link.focus();
  }

  function step(delta) {
    var all = rows();
    if (!all.length) return;
    var index = all.indexOf(currentRow());
    if (index === -1) {
      moveTo(all[0]);
      return;
    }
    moveTo(all[Math.max(0, Math.min(all.length - 1, index + delta))]);
  }

  function say(text) {
    var status = document.getElementById("queue-shortcuts-status");
    if (!status) return;
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 50);
  }

  function typing(target) {
    if (!target || !target.closest) return false;
    if (target.isContentEditable) return true;
    return !!target.closest("input, textarea, select, [contenteditable]");
  }

  function openHelp() {
    var dialog = document.getElementById("queue-shortcuts");
    if (!dialog || dialog.open || typeof dialog.showModal !== "function") return;
    dialog.returnFocus = document.activeElement;
    dialog.showModal();
  }

  function setUp() {
    var dialog = document.getElementById("queue-shortcuts");
    if (!dialog || typeof dialog.showModal !== "function") return;
    var opener = document.querySelector("[data-shortcuts-open]");
    if (opener) {
      opener.hidden = false;
      opener.addEventListener("click", openHelp);
    }
    // Escape (the dialog's own cancel) and the Close button both end here.
    dialog.addEventListener("close", function () {
      var back = dialog.returnFocus;
      dialog.returnFocus = null;
      if (back && document.contains(back) && back.focus) back.focus();
    });

    // A row taken by Tab or a click becomes the current one for the shortcuts.
    document.addEventListener("focusin", function (event) {
      var row = event.target.closest && event.target.closest("#queue-results tr.queue-row");
      if (row) mark(row);
    });

    // The 30-second refresh replaces the rows (and drops the focus with them):
    // keep the agent on the same ticket.
    document.body.addEventListener("htmx:afterSettle", function () {
      var row = currentRow();
      if (!row) return;
      mark(row);
      if (document.activeElement === document.body && rowLink(row)) rowLink(row).focus();
    });

    document.addEventListener("keydown", function (event) {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      if (dialog.open || typing(event.target)) return;
      var key = event.key;
      var onRowOrPage =
        event.target === document.body || (event.target.closest && event.target.closest("tr.queue-row"));
      var row;
      if (key === "j" || (key === "ArrowDown" && onRowOrPage)) {
        step(1);
      } else if (key === "k" || (key === "ArrowUp" && onRowOrPage)) {
        step(-1);
      } else if (key === "o" || (key === "Enter" && event.target === document.body)) {
        row = currentRow();
        if (!row || !rowLink(row)) return;
        window.location.assign(rowLink(row).href);
      } else if (key === "c") {
        row = currentRow();
        if (!row) return;
        var claim = row.querySelector("button[data-claim]");
        if (claim) claim.click();
        else say(dialog.dataset.sayAssigned + " " + row.querySelector(".q-assignee").textContent.trim());
      } else if (key === "x") {
        row = currentRow();
        var box = row && row.querySelector("input[name=tickets]");
        if (!box) return;
        box.checked = !box.checked;
        box.dispatchEvent(new Event("change", { bubbles: true }));
        say((box.checked ? dialog.dataset.sayTicked : dialog.dataset.sayUnticked) + ": " + row.dataset.ticket);
      } else if (key === "/") {
        var search = document.getElementById("queue-q");
        if (!search) return;
        search.focus();
        search.select();
      } else if (key === "?") {
        openHelp();
      } else {
        return;
      }
      event.preventDefault();
    });
  }

  if (document.readyState !== "loading") setUp();
  else document.addEventListener("DOMContentLoaded", setUp);
})();
