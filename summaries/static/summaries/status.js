/* Keeps the status page current without reloading it: fetches status.json until the work is done.
   No framework and nothing inline, so it runs under a strict Content-Security-Policy. */
(function () {
  "use strict";

  var root = document.getElementById("submission-status");
  if (!root || root.hasAttribute("data-done")) {
    return;
  }
  var url = root.getAttribute("data-status-url");
  var message = document.getElementById("status-message");
  var reason = document.getElementById("status-reason");
  var connection = document.getElementById("status-connection");
  var download = document.getElementById("download");

  var FIRST_DELAY_MS = 1000;
  var LONGEST_DELAY_MS = 10000;
  var delay = FIRST_DELAY_MS;

  // Only a changed text is written, so the live region announces each change once.
  function setText(element, text) {
    if (element.textContent !== text) {
      element.textContent = text;
    }
  }

  function showSteps(progress) {
    progress.forEach(function (step) {
      var item = root.querySelector('[data-step="' + step.name + '"]');
      if (!item) {
        return;
      }
      item.className = "step step-" + step.state;
      if (step.state === "current") {
        item.setAttribute("aria-current", "step");
      } else {
        item.removeAttribute("aria-current");
      }
      setText(item.querySelector(".step-state"), "(" + step.state_text + ")");
    });
  }

  function show(payload) {
    showSteps(payload.progress);
    message.setAttribute("data-status", payload.status);
    setText(message, payload.message);
    setText(reason, payload.reason);
    reason.hidden = !payload.reason;
    if (payload.pdf_url) {
      download.href = payload.pdf_url;
    }
    download.hidden = !payload.pdf_url;
    connection.hidden = true;
  }

  function schedule() {
    window.setTimeout(poll, delay);
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, cache: "no-store", credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        return response.json();
      })
      .then(function (payload) {
        show(payload);
        if (payload.done) {
          root.setAttribute("data-done", "");
          return;
        }
        // Quick at first, when most summaries finish; gentler on the server for a long retry.
        delay = Math.min(delay * 1.25, LONGEST_DELAY_MS);
        schedule();
      })
      .catch(function () {
        connection.hidden = false;
        delay = Math.min(delay * 2, LONGEST_DELAY_MS);
        schedule();
      });
  }

  schedule();
})();
