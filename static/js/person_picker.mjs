// Long lists of people become the accessible autocomplete (alphagov): type a name, role or team.
// Without JavaScript (or this script) they stay an ordinary select, which works the same.
const autocomplete = window.accessibleAutocomplete;
if (autocomplete) {
  for (const select of document.querySelectorAll("select[data-person-picker]")) {
    const optional = !select.required;
    const optionFor = (text) => [...select.options].find((option) => option.text === text);
    autocomplete.enhanceSelectElement({
      selectElement: select,
      defaultValue: "",
      showAllValues: true,
      // An optional choice keeps its "nobody" option, so it can be chosen again.
      preserveNullOptions: optional,
      dropdownArrow: () => "",
      tNoResults: () => "No one matches: try part of a name, a role or a team",
      // Emptying the box empties the choice, rather than silently keeping the last person.
      onConfirm: (text) => {
        const option = text ? optionFor(text) : select.options[0];
        if (option) option.selected = true;
      },
    });
  }
}
