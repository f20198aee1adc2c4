// The GOV.UK timeout warning: before the session ends for want of activity, a modal dialog says so
// and offers to stay signed in (templates/components/timeout_warning.html). Progressive enhancement:
// without this file the server still ends the session (qaportal/sessions.py), and a form posted
// afterwards is kept for after signing in again.
//
// When the session ends is read from a cookie the server sets on every response, so a page opened,
// a draft autosaved or "Stay signed in" pressed in any tab moves it in every tab.
import { keepTypedWork } from "./autosave.mjs";

const dialog = document.getElementById("timeout-warning");

if (dialog && typeof dialog.showModal === "function") {
  const data = dialog.dataset;
  const warnMs = Number(data.warnSeconds) * 1000;
  // Act a little before the server would, so typed work is kept while the person is still signed in.
  const marginMs = Math.min(5000, warnMs / 4);
  // The server's clock minus ours: the cookie holds the server's time.
  const skewMs = Number(data.serverNow) * 1000 - Date.now();
  let knownEnd = Number(data.endsAt) * 1000;
  const form = document.getElementById("timeout-warning-form");
  const stayButton = document.getElementById("timeout-warning-stay");
  const countdown = document.getElementById("timeout-warning-countdown");
  const audible = document.getElementById("timeout-warning-audible");
  const endForm = document.getElementById("timeout-warning-end");
  const kept = document.getElementById("timeout-warning-kept");
  let timer = null;
  let lastSpoken = null;
  let returnFocus = null;
  let ending = false;
  let closing = false;

  if (kept && document.querySelector("form[data-autosave-url]")) kept.hidden = false;

  const serverEnd = () => {
    const entry = document.cookie.split("; ").find((c) => c.startsWith(`${data.cookie}=`));
    const seconds = entry ? Number(entry.slice(data.cookie.length + 1).replace(/^"/, "").split(".")[0]) : NaN;
    if (Number.isFinite(seconds) && seconds > 0) knownEnd = seconds * 1000;
    return knownEnd;
  };
  const msLeft = () => serverEnd() - skewMs - marginMs - Date.now();

  const words = (seconds) => {
    if (seconds >= 60) {
      const minutes = Math.ceil(seconds / 60);
      return minutes === 1 ? data.oneMinute : data.minutes.replace("{n}", minutes);
    }
    return seconds === 1 ? data.oneSecond : data.seconds.replace("{n}", seconds);
  };
  const show = (left) => {
    const seconds = Math.max(1, Math.ceil(left / 1000));
    countdown.textContent = words(seconds);
    // Screen readers hear the time left in whole minutes, then every 20 seconds in the last minute,
    // not every second.
    const spoken = seconds > 60 ? Math.ceil(seconds / 60) * 60 : Math.ceil(seconds / 20) * 20;
    if (spoken !== lastSpoken) {
      lastSpoken = spoken;
      audible.textContent = audible.dataset.text.replace("{time}", words(spoken));
    }
  };

  const open = (left) => {
    returnFocus = document.activeElement;
    lastSpoken = null;
    show(left); // before opening, so it is read once as the dialog's description, not announced again
    dialog.showModal();
    stayButton.focus();
  };
  const close = () => {
    if (!dialog.open) return;
    closing = true; // the close event comes later, as a task
    dialog.close();
    if (returnFocus && typeof returnFocus.focus === "function") returnFocus.focus();
  };

  // Time is up: keep what was typed while still signed in, then sign out and say what happened.
  const end = async () => {
    if (ending) return;
    ending = true;
    clearTimeout(timer);
    try {
      await keepTypedWork();
    } catch (e) {
      // Kept in this browser by autosave.mjs as the person typed.
    }
    endForm.submit();
  };

  const check = () => {
    clearTimeout(timer);
    if (ending) return;
    const left = msLeft();
    if (left <= 0) {
      end();
    } else if (left > warnMs) {
      close(); // another tab, or an autosave, moved the end
      // Looked at again at least every minute: timers sleep with the computer.
      timer = setTimeout(check, Math.min(left - warnMs, 60_000));
    } else {
      if (!dialog.open) open(left);
      else show(left);
      timer = setTimeout(check, (left % 1000) || 1000);
    }
  };

  const stay = async () => {
    close();
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-Requested-With": "fetch" },
      });
      if (response.status === 401) {
        end(); // the session had already ended
        return;
      }
      if (response.ok) knownEnd = Number((await response.json()).ends_at) * 1000;
    } catch (e) {
      // No connection: the warning comes back if the session is still ending.
    }
    check();
  };

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (event.submitter && event.submitter.id === "timeout-warning-sign-out") {
      ending = true;
      clearTimeout(timer);
      try {
        await keepTypedWork();
      } catch (e) {
        // Kept in this browser as the person typed.
      }
      form.action = event.submitter.formAction;
      form.submit();
    } else {
      stay();
    }
  });
  // Escape closes the warning and keeps the person signed in, as GOV.UK's pattern does. (A browser
  // may close the dialog itself on a second Escape: that keeps them signed in too.)
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    stay();
  });
  dialog.addEventListener("close", () => {
    if (closing) closing = false;
    else if (!ending) stay();
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") check();
  });
  check();
}
