// Under each day-first date field (clinic.lib.dates.DayFirstDateInput), how the server reads
// what is being typed: "12 марта 1979 · 47 лет", or what to fix. The form reads it the same way.
"use strict";
document.querySelectorAll("input[data-date-reading]").forEach((input) => {
  const echo = document.createElement("div");
  echo.className = "form-text date-reading";
  echo.id = `${input.id}-reading`;
  echo.setAttribute("aria-live", "polite");
  input.setAttribute(
    "aria-describedby",
    `${input.getAttribute("aria-describedby") || ""} ${echo.id}`.trim(),
  );
  input.after(echo);
  let timer;
  let asked = 0;
  const read = () => {
    const value = input.value.trim();
    const ask = ++asked;
    if (!value) {
      echo.textContent = "";
      return;
    }
    const url = new URL(input.dataset.dateReading, window.location.href);
    url.searchParams.set("value", value);
    if (input.dataset.birthDate) url.searchParams.set("birth", "1");
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : null))
      .then((reading) => {
        if (!reading || ask !== asked) return; // a later keystroke has its own answer
        echo.textContent = reading.text || reading.error;
        echo.classList.toggle("text-danger", Boolean(reading.error));
      })
      .catch(() => {});
  };
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(read, 250);
  });
  // Sending the form makes any reading still to come pointless: none races the save.
  if (input.form) input.form.addEventListener("submit", () => clearTimeout(timer));
  if (input.value.trim()) read();
});
