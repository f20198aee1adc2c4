// Progressive enhancement for a report being made: ask for its status every two seconds and show
// the progress in place; reload once it is done or has failed, to offer the download or a retry.
// Without JavaScript the page refreshes itself (a <noscript> refresh).
const run = document.getElementById("run");
const status = run && run.dataset.status;

if (run && (status === "queued" || status === "running")) {
  const message = document.getElementById("run-progress");
  const bar = run.querySelector("progress");
  const check = async () => {
    try {
      const response = await fetch(run.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!response.ok) throw new Error(String(response.status));
      const state = await response.json();
      if (state.status === "done" || state.status === "failed") {
        window.location.reload();
        return;
      }
      if (bar) bar.value = state.progress;
      if (message) {
        message.textContent = state.status === "running"
          ? `The report is being made (${state.progress}% done).`
          : "The report is waiting to be made.";
      }
    } catch (error) {
      // A dropped connection is retried on the next tick; the "Check now" link still works.
    }
    window.setTimeout(check, 2000);
  };
  window.setTimeout(check, 2000);
}
