// clientimport serve: the little the pages need beyond HTML. No inline script (the CSP forbids it).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // A long upload or import shows that it is under way, and cannot be sent twice.
  for (const form of document.querySelectorAll("form[data-progress]")) {
    form.addEventListener("submit", () => {
      const bar = form.querySelector("progress");
      if (bar) bar.hidden = false;
      for (const button of form.querySelectorAll("button[type=submit]")) button.disabled = true;
      // While the server works, ask it every second how many rows it has done.
      const url = form.dataset.progressUrl, text = form.querySelector(".progress-text");
      if (url && text) {
        setInterval(async () => {
          try {
            const answer = await fetch(url, { credentials: "same-origin", cache: "no-store" });
            const step = await answer.json();
            if (step.rows_read !== undefined) text.textContent = `${step.rows_read} ${text.dataset.rowsWord}…`;
          } catch (_) { /* the page is being replaced */ }
        }, 1000);
      }
    });
  }
  // The first bad cell takes the focus, so a keyboard user starts fixing at once.
  const firstBad = document.querySelector("td.bad input");
  if (firstBad) firstBad.focus();
});
