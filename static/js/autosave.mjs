// Autosave for review sections and moderation verdicts: progressive enhancement, the form works without it.
// Input is kept in this browser first (so a dropped connection loses nothing), then sent to the
// server as a draft that is kept apart from the saved review until the person presses Save.
const form = document.querySelector("form[data-autosave-url]");
let keepNow = async () => "nothing";
if (form) {
  const url = form.dataset.autosaveUrl;
  const key = `qaportal:autosave:${url}`;
  const status = document.getElementById("autosave-status");
  const savedAt = Number(form.dataset.savedAt || 0) * 1000;
  let timer = null;
  let typed = false;

  const say = (text) => { if (status) status.textContent = text; };
  const snapshot = () => {
    const data = {};
    for (const [name, value] of new FormData(form).entries()) {
      if (name === "csrfmiddlewaretoken") continue;
      (data[name] ||= []).push(value);
    }
    return data;
  };
  const restore = (data) => {
    for (const el of form.elements) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || el.name.endsWith("_version") || !(el.name in data)) continue;
      const values = data[el.name];
      if (el.type === "radio" || el.type === "checkbox") el.checked = values.includes(el.value);
      else el.value = values[0] ?? "";
    }
  };

  // Input typed here but never saved (the connection dropped, the tab closed) comes back.
  try {
    const kept = JSON.parse(localStorage.getItem(key) || "null");
    if (kept && kept.at > savedAt && !document.getElementById("restored") && !document.getElementById("conflict")) {
      restore(kept.data);
      say("Unsaved changes kept in this browser have been restored. Save them to keep them.");
    }
  } catch (e) { /* storage unavailable: the server draft still works */ }

  const send = async () => {
    const data = snapshot();
    try { localStorage.setItem(key, JSON.stringify({ at: Date.now(), data })); } catch (e) { /* full or blocked */ }
    const body = new FormData(form);
    try {
      const response = await fetch(url, { method: "POST", body, credentials: "same-origin",
                                          headers: { "X-Requested-With": "fetch" } });
      const type = response.headers.get("content-type") || "";
      if (response.ok && type.includes("application/json")) {
        const result = await response.json();
        say(`Draft kept at ${result.saved_at}. Press save to add it to the review.`);
        return "server";
      } else if (response.status === 400 && type.includes("application/json")) {
        const result = await response.json();
        say(`${result.error} Your changes are kept in this browser.`);
      } else if (response.redirected || response.status === 401 || response.status === 403) {
        say("You have been signed out. Your changes are kept in this browser: sign in again to save them.");
      } else {
        say("Your changes are kept in this browser. They will be sent when the connection returns.");
      }
    } catch (e) {
      say("No connection. Your changes are kept in this browser and will be sent when the connection returns.");
    }
    return "browser";
  };
  const schedule = () => { typed = true; clearTimeout(timer); timer = setTimeout(send, 1500); };
  keepNow = async () => { clearTimeout(timer); return typed ? send() : "nothing"; };
  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  window.addEventListener("online", send);
  form.addEventListener("submit", () => { clearTimeout(timer); try { localStorage.removeItem(key); } catch (e) {} });
}

// Keep what was typed on this page now, before the session ends (static/js/session_timeout.mjs):
// "server" when the server holds it as a draft, "browser" when only this browser does, "nothing" when
// nothing was typed here.
export const keepTypedWork = () => keepNow();
