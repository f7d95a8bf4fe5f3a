// The print view's "Print" button: an external script, so pages need no inline JavaScript.
document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
