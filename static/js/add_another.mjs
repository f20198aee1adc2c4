// "Add another", better with JavaScript: rows are added and removed in place instead of saving and
// showing the page again. Without this file the same buttons still work (they submit the form).
import { initAll } from "/static/build/govuk-frontend.min.js";

for (const container of document.querySelectorAll("[data-add-another]")) {
  const prefix = container.dataset.prefix;
  const total = container.querySelector(`input[name="${prefix}-TOTAL_FORMS"]`);
  const template = container.querySelector("template[data-row-template]");
  const addButton = container.querySelector("[data-add-row]");
  if (!total || !template || !addButton) continue;

  const status = document.createElement("p");
  status.className = "govuk-visually-hidden";
  status.setAttribute("aria-live", "polite");
  container.append(status);

  const rows = () => [...container.querySelectorAll("[data-row]")].filter((row) => !row.hidden);
  const renumber = () => {
    rows().forEach((row, i) => {
      for (const number of row.querySelectorAll("[data-row-number]")) number.textContent = String(i + 1);
    });
  };

  addButton.addEventListener("click", (event) => {
    event.preventDefault();
    const index = Number(total.value);
    const html = template.innerHTML.replaceAll("__prefix__", String(index));
    const holder = document.createElement("div");
    holder.innerHTML = html;
    const row = holder.firstElementChild;
    addButton.before(row);
    total.value = String(index + 1);
    renumber();
    initAll({ scope: row });
    document.dispatchEvent(new CustomEvent("qa:row-added", { detail: { row } }));
    const first = row.querySelector("input:not([type=hidden]), textarea, select");
    if (first) first.focus();
    status.textContent = `${container.dataset.rowName} ${rows().length} added`;
  });

  container.addEventListener("click", (event) => {
    const button = event.target.closest("[data-remove-row]");
    if (!button || !container.contains(button)) return;
    event.preventDefault();
    const row = button.closest("[data-row]");
    const id = row.querySelector('input[type=hidden][name$="-id"]');
    if (id && id.value) {
      // A saved row: hidden, and marked for removal when the form is saved.
      const remove = document.createElement("input");
      remove.type = "hidden";
      remove.name = button.name;
      remove.value = "on";
      row.append(remove);
      row.hidden = true;
    } else {
      row.remove();
    }
    renumber();
    status.textContent = `${container.dataset.rowName} removed`;
    addButton.focus();
    row.closest("form")?.dispatchEvent(new Event("change"));
  });
}
