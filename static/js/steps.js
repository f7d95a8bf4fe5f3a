// Steps added and removed without a page reload (templates/sessions_app/_step_formset.html):
// "Add a step" appends a copy of the empty row, numbered in turn; ticking "Remove" marks the
// row as removed (the server leaves it out on saving), unticking brings it back.
"use strict";
document.querySelectorAll("template#new-step").forEach((template) => {
  const form = template.closest("form");
  const body = form.querySelector("table.steps-stack tbody");
  const total = form.querySelector('input[name$="-TOTAL_FORMS"]');
  const most = form.querySelector('input[name$="-MAX_NUM_FORMS"]');
  const add = form.querySelector("[data-add-step]");
  add.hidden = false;
  add.addEventListener("click", () => {
    const index = Number(total.value);
    if (most && index >= Number(most.value)) return;
    const row = template.innerHTML
      .replaceAll("__prefix__", String(index))
      .replaceAll("__number__", String(index + 1));
    body.insertAdjacentHTML("beforeend", row);
    total.value = String(index + 1);
    body.lastElementChild.querySelector("select, input").focus();
  });
  body.addEventListener("change", (event) => {
    if (event.target.name && event.target.name.endsWith("-DELETE")) {
      event.target.closest("tr").classList.toggle("step-removed", event.target.checked);
    }
  });
});
