// Long lists of people become the accessible autocomplete (alphagov): type a name, role or team.
// Without JavaScript (or this script) they stay an ordinary select, which works the same.
const autocomplete = window.accessibleAutocomplete;

function enhance(select) {
  const optional = !select.required;
  const optionFor = (text) => [...select.options].find((option) => option.text === text);
  autocomplete.enhanceSelectElement({
    selectElement: select,
    // A person already chosen (a page shown again, or a delegate being changed) stays in the box.
    defaultValue: select.value ? select.options[select.selectedIndex].text : "",
    showAllValues: true,
    // An optional choice keeps its "nobody" option, so it can be chosen again.
    preserveNullOptions: optional,
    dropdownArrow: () => "",
    tNoResults: () => "No one matches: try part of a name, a role or a team",
    // Confirming (or leaving the box) chooses the person whose name is in the box; an empty box,
    // or words that name nobody, empty the choice rather than silently keeping the last person.
    // On leaving the box the autocomplete confirms with no option, so read what the box says.
    onConfirm: (text) => {
      const box = document.getElementById(select.id.replace(/-select$/, ""));
      const option = optionFor(text ?? box?.value ?? "") ?? select.options[0];
      if (option) option.selected = true;
    },
  });
}

function enhanceAll(root) {
  for (const select of root.querySelectorAll("select[data-person-picker]")) enhance(select);
}

if (autocomplete) {
  enhanceAll(document);
  // Rows added in place ("add another") bring their own person pickers.
  document.addEventListener("qa:row-added", (event) => enhanceAll(event.detail.row));
}
