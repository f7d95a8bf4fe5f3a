// Signing a consent on the screen: one signature pad (signature_pad, from npm) per box, each
// written into its hidden field when the form is sent; the server checks the drawings again.
(() => {
  const pads = [];
  document.querySelectorAll("[data-signature-pad]").forEach((box) => {
    const canvas = box.querySelector("canvas");
    const field = box.querySelector("input[type=hidden]");
    const pad = new SignaturePad(canvas, { penColor: "#0b2a5b", minWidth: 1, maxWidth: 3 });
    // The canvas is drawn at the screen's pixel density, and re-sized (and cleared) with
    // the box, so that a stroke lands where the finger is.
    const fit = () => {
      const ratio = Math.max(window.devicePixelRatio || 1, 1);
      const drawing = pad.toData();
      canvas.width = canvas.offsetWidth * ratio;
      canvas.height = canvas.offsetHeight * ratio;
      canvas.getContext("2d").scale(ratio, ratio);
      pad.clear();
      pad.fromData(drawing);
    };
    fit();
    window.addEventListener("resize", fit);
    box.querySelector("[data-clear]").addEventListener("click", () => pad.clear());
    pads.push({ pad, field });
  });
  const form = document.querySelector("[data-signature-form]");
  if (form) {
    form.addEventListener("submit", () => {
      pads.forEach(({ pad, field }) => {
        field.value = pad.isEmpty() ? "" : pad.toDataURL("image/png");
      });
    });
  }
  // The text and the boxes take the whole screen of the tablet, where the browser allows it.
  const full = document.querySelector("[data-full-screen]");
  if (full && document.fullscreenEnabled) {
    full.hidden = false;
    full.addEventListener("click", () => {
      document.querySelector("[data-consent-signing]").requestFullscreen();
    });
  }
})();
