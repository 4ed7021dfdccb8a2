/*
 * Amends: small progressive enhancements. Every page works without this file.
 *
 *  1. Fill the complaint form's hidden time zone from the browser.
 *  2. Disable submit buttons after the first submission (double-click guard;
 *     the server is idempotent too).
 *  3. Show <time data-local> in the reader's time zone.
 *  4. Customer look-up on the phone-intake page, in place (fetch).
 *  5. Copy buttons ([data-copy="#selector"]), and focus on an error summary.
 *  6. Attachments: list the chosen files and check them before sending.
 *  7. Canned replies: put the chosen one, filled in by the server, in its box.
 */
(function () {
  "use strict";

  // Dates in the reader's own variant of the page's language (en-GB, fr-CA…),
  // never in another language than the page's.
  var lang = (function () {
    var page = document.documentElement.lang || "";
    var langs = navigator.languages || [navigator.language || ""];
    for (var i = 0; i < langs.length; i++) {
      if (page && langs[i] && langs[i].toLowerCase().split("-")[0] === page.toLowerCase().split("-")[0]) {
        return langs[i];
      }
    }
    return page || undefined;
  })();

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  // 1. Time zone ------------------------------------------------------------
  function fillTimezone() {
    var zone = "";
    try {
      zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (e) {
      return;
    }
    if (!zone) return;
    document.querySelectorAll('input[type="hidden"][name="timezone"]').forEach(function (input) {
      if (!input.value) input.value = zone;
    });
  }

  // 2. One submission per form ------------------------------------------------
  function guardSubmissions() {
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (!(form instanceof HTMLFormElement) || form.hasAttribute("data-no-guard")) return;
      if ((form.getAttribute("method") || "get").toLowerCase() !== "post") return;
      if (event.defaultPrevented) return;
      if (form.dataset.submitting === "1") {
        event.preventDefault();
        return;
      }
      form.dataset.submitting = "1";
      var buttons = form.querySelectorAll('button[type="submit"], button:not([type]), input[type="submit"]');
      // Disable after the browser has collected the form data, so the
      // clicked button's own name=value is still sent.
      window.setTimeout(function () {
        buttons.forEach(function (button) {
          button.disabled = true;
          button.setAttribute("aria-disabled", "true");
          var busy = button.getAttribute("data-busy-label");
          if (busy && button.tagName === "BUTTON") {
            button.dataset.idleLabel = button.textContent;
            button.textContent = busy;
          }
        });
      }, 0);
    });

    // Coming back with the Back button restores the page from cache: undo.
    window.addEventListener("pageshow", function (event) {
      if (!event.persisted) return;
      document.querySelectorAll('form[data-submitting="1"]').forEach(function (form) {
        delete form.dataset.submitting;
        form.querySelectorAll("[aria-disabled='true']").forEach(function (button) {
          button.disabled = false;
          button.removeAttribute("aria-disabled");
          if (button.dataset.idleLabel) button.textContent = button.dataset.idleLabel;
        });
      });
    });
  }

  // 3. Local times ------------------------------------------------------------
  function localTimes() {
    if (!window.Intl || !Intl.DateTimeFormat) return;
    var format;
    try {
      format = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" });
    } catch (e) {
      return;
    }
    document.querySelectorAll("time[data-local][datetime]").forEach(function (el) {
      var date = new Date(el.getAttribute("datetime"));
      if (isNaN(date.getTime())) return;
      if (!el.title) el.title = el.textContent.trim();
      el.textContent = format.format(date);
    });
  }

  // 4. Customer look-up -------------------------------------------------------
  function customerLookup() {
    var form = document.querySelector("form[data-lookup]");
    if (!form || !window.fetch) return;
    var target = document.getElementById(form.getAttribute("data-lookup"));
    var input = form.querySelector('input[name="q"]');
    if (!target || !input) return;
    var controller = null;

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (controller) controller.abort();
      controller = window.AbortController ? new AbortController() : null;
      var url = form.action + (form.action.indexOf("?") === -1 ? "?" : "&") +
        "q=" + encodeURIComponent(input.value.trim());
      target.setAttribute("aria-busy", "true");
      fetch(url, {
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch", Accept: "text/html" },
        signal: controller ? controller.signal : undefined,
      })
        .then(function (response) {
          if (response.redirected || !response.ok) throw new Error(String(response.status));
          return response.text();
        })
        .then(function (html) {
          target.innerHTML = html; // our own server's escaped partial
          localTimes();
        })
        .catch(function (error) {
          if (error && error.name === "AbortError") return;
          target.innerHTML = "";
          var p = document.createElement("p");
          p.className = "alert alert--error";
          p.textContent = form.getAttribute("data-error") || "Error";
          target.appendChild(p);
        })
        .then(function () {
          target.removeAttribute("aria-busy");
        });
    });
  }

  // 5. Copy buttons and error summary ------------------------------------------
  function copyButtons() {
    if (!navigator.clipboard) return;
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      var source = document.querySelector(button.getAttribute("data-copy"));
      if (!source) return;
      button.hidden = false;
      var idle = button.textContent;
      button.addEventListener("click", function () {
        var text = (source.getAttribute("href") || source.textContent).trim();
        navigator.clipboard.writeText(text).then(function () {
          button.textContent = button.getAttribute("data-copied") || idle;
          window.setTimeout(function () { button.textContent = idle; }, 2000);
        });
      });
    });
  }

  function focusErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) summary.focus();
  }

  // 6. Attachments ---------------------------------------------------------------
  // The input carries the server's rules and messages (complaints/forms.py,
  // MultipleFileInput): count, size and type are checked here, before a 50 MB
  // upload is sent only to be refused. The server checks again, by content.
  function attachmentChecks() {
    document.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
      var form = input.form;
      var field = input.closest(".field") || input.parentNode;
      var types = (input.getAttribute("data-types") || "").split(" ");
      var extensions = (input.getAttribute("data-extensions") || "").split(" ");
      var maxBytes = Number(input.getAttribute("data-max-bytes"));
      var maxFiles = Number(input.getAttribute("data-max-files"));
      var number = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
      var listId = input.id + "_files";
      var checksId = input.id + "_checks";
      var list = document.createElement("ul");
      list.className = "file-list";
      list.id = listId;
      list.setAttribute("data-file-list", "");
      list.hidden = true;
      var checks = document.createElement("ul");
      checks.className = "field__error";
      checks.id = checksId;
      checks.setAttribute("role", "alert");
      checks.hidden = true;
      input.insertAdjacentElement("afterend", list);
      input.insertAdjacentElement("beforebegin", checks);

      function size(bytes) {
        // Written as the server writes it: "10 MB", "10 Mo", "1.5 MB".
        var units = [["mb", 1048576], ["kb", 1024], ["b", 1]];
        for (var i = 0; i < units.length; i++) {
          if (bytes >= units[i][1] || units[i][0] === "b") {
            var pattern = input.getAttribute("data-unit-" + units[i][0]) || "%s";
            return pattern.replace("%s", number.format(Math.round((bytes / units[i][1]) * 10) / 10));
          }
        }
      }
      function message(kind, name) {
        return (input.getAttribute("data-error-" + kind) || "").replace("{name}", name);
      }
      function problemsOf(file) {
        var extension = (file.name.split(".").pop() || "").toLowerCase();
        if (file.size === 0) return message("empty", file.name);
        if (file.size > maxBytes) return message("too-large", file.name);
        if (types.indexOf(file.type) === -1 && extensions.indexOf(extension) === -1) {
          return message("bad-type", file.name);
        }
        return null;
      }
      function describedBy(on) {
        var ids = (input.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
          return id && id !== checksId;
        });
        if (on) ids.push(checksId);
        if (ids.length) input.setAttribute("aria-describedby", ids.join(" "));
        else input.removeAttribute("aria-describedby");
      }
      function check() {
        var files = Array.prototype.slice.call(input.files || []);
        var problems = [];
        list.textContent = "";
        checks.textContent = "";
        if (files.length > maxFiles) problems.push(message("too-many", ""));
        files.forEach(function (file) {
          var problem = problemsOf(file);
          if (problem) problems.push(problem);
          var item = document.createElement("li");
          if (problem) item.className = "file-list__item--refused";
          var name = document.createElement("span");
          name.className = "file-list__name";
          name.textContent = file.name;
          var weight = document.createElement("span");
          weight.className = "file-list__size";
          weight.textContent = size(file.size);
          item.appendChild(name);
          item.appendChild(document.createTextNode(" "));
          item.appendChild(weight);
          list.appendChild(item);
        });
        problems.forEach(function (text) {
          var item = document.createElement("li");
          item.textContent = text;
          checks.appendChild(item);
        });
        list.hidden = files.length === 0;
        checks.hidden = problems.length === 0;
        // The server's own errors for an earlier choice no longer apply to this one.
        var serverErrors = document.getElementById(input.id + "_error");
        if (serverErrors) serverErrors.hidden = true;
        if (problems.length) input.setAttribute("aria-invalid", "true");
        else input.removeAttribute("aria-invalid");
        field.classList.toggle("field--error", problems.length > 0);
        describedBy(problems.length > 0);
        return problems.length === 0;
      }

      input.addEventListener("change", check);
      if (form) {
        // On the form itself, so it runs before the double-submit guard (on document).
        form.addEventListener("submit", function (event) {
          if (check()) return;
          event.preventDefault();
          input.focus();
        });
      }
    });
  }

  // 7. Canned replies -------------------------------------------------------------
  // The link ([data-canned-text], recovery/canned_picker.html) carries the text
  // the server filled in for this ticket; followed without this script, it
  // reloads the page with the form filled in. What the agent already typed is
  // theirs: the canned text goes after it, and replaces only an earlier canned
  // text left as it was inserted. The box takes the focus, to be edited.
  function cannedReplies() {
    document.addEventListener("click", function (event) {
      var link = event.target instanceof Element ? event.target.closest("a[data-canned-text]") : null;
      if (!link) return;
      var box = document.getElementById(link.getAttribute("data-canned-into"));
      if (!box) return;
      event.preventDefault();
      var text = link.getAttribute("data-canned-text");
      var kept = box.value.replace(/\s+$/, "");
      box.value = kept && kept !== box.dataset.cannedText ? kept + "\n\n" + text : text;
      box.dataset.cannedText = box.value;
      box.dispatchEvent(new Event("input", { bubbles: true }));
      box.focus();
      box.setSelectionRange(box.value.length, box.value.length);
    });
  }

  ready(function () {
    fillTimezone();
    guardSubmissions();
    localTimes();
    customerLookup();
    copyButtons();
    focusErrorSummary();
    attachmentChecks();
    cannedReplies();
  });
})();

/* Live countdowns on the queue: "in 3 hours" / "2 hours ago", in the page's language.
   The server renders the first text and the colour; this keeps them true between
   refreshes and turns a row red the moment its deadline passes. */
(function () {
  "use strict";
  var lang = document.documentElement.lang || "en";
  var rtf = window.Intl && Intl.RelativeTimeFormat ? new Intl.RelativeTimeFormat(lang, { numeric: "auto" }) : null;
  function phrase(seconds) {
    var abs = Math.abs(seconds);
    if (abs < 3600) return rtf.format(Math.round(seconds / 60), "minute");
    if (abs < 172800) return rtf.format(Math.round(seconds / 3600), "hour");
    return rtf.format(Math.round(seconds / 86400), "day");
  }
  function tick() {
    if (!rtf) return;
    var now = Date.now();
    document.querySelectorAll("time[data-countdown]").forEach(function (el) {
      var due = Date.parse(el.getAttribute("datetime"));
      if (isNaN(due)) return;
      var rel = el.parentNode.querySelector(".due__rel");
      var seconds = (due - now) / 1000;
      if (rel) {
        var suffix = rel.getAttribute("data-suffix");
        if (suffix === null) {
          var parts = rel.textContent.split(" · ");
          suffix = parts.length > 1 ? parts[parts.length - 1] : "";
          rel.setAttribute("data-suffix", suffix);
        }
        // "Overdue · 2 hours ago" rather than a bare "2 hours ago".
        var lead = seconds <= 0 && el.dataset.overdue ? el.dataset.overdue + " · " : "";
        rel.textContent = lead + phrase(seconds) + (suffix ? " · " + suffix : "");
      }
      if (seconds <= 0) {
        el.parentNode.classList.add("due--overdue");
        el.parentNode.classList.remove("due--soon");
        var row = el.closest("tr");
        if (row) row.classList.add("queue-row--breached");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", tick);
  document.addEventListener("htmx:afterSwap", tick);
  setInterval(tick, 30000);
})();
