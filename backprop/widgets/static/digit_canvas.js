// The drawing canvas of backprop.widgets.DigitCanvas (an anywidget ES module, shipped in the
// package: nothing is loaded from the internet). Strokes are drawn here in the browser, with
// no round trip to the kernel; when a stroke ends (pointer up) the whole drawing is sent to
// the kernel once, as a PNG data URL in the "png" trait. Pointer events cover the mouse, a
// finger and a pen alike; "touch-action: none" keeps a finger from scrolling the page.

function render({ model, el }) {
  const size = model.get("size");
  const canvas = document.createElement("canvas");
  canvas.width = size;
  canvas.height = size;
  canvas.className = "bp-digit-canvas";
  // A picture to a screen reader, which says where the keyboard's way in is.
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", "drawing area: draw one digit with a mouse, a finger or a "
    + "pen; from the keyboard, read a test digit below instead");
  Object.assign(canvas.style, {
    // height "auto": where the panel is narrower than the canvas, it shrinks as a square
    width: `${size}px`, height: "auto", aspectRatio: "1 / 1", maxWidth: "100%",
    touchAction: "none",
    border: "1px solid #888", borderRadius: "6px", background: "white", cursor: "crosshair",
  });
  const ctx = canvas.getContext("2d");
  const pen = () => {
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.strokeStyle = "black";
    ctx.fillStyle = "black";
    ctx.lineWidth = model.get("pen_width");
  };
  pen();
  let last = null;
  let pointer = null;
  const at = (e) => {
    const r = canvas.getBoundingClientRect();
    return [(e.clientX - r.left) * size / r.width, (e.clientY - r.top) * size / r.height];
  };
  const segment = (a, b) => {
    ctx.beginPath();
    ctx.moveTo(a[0], a[1]);
    ctx.lineTo(b[0], b[1]);
    ctx.stroke();
  };
  canvas.addEventListener("pointerdown", (e) => {
    if (pointer !== null) return;
    pointer = e.pointerId;
    canvas.setPointerCapture(e.pointerId);
    last = at(e);
    ctx.beginPath();
    ctx.arc(last[0], last[1], ctx.lineWidth / 2, 0, 2 * Math.PI);
    ctx.fill();
    e.preventDefault();
  });
  canvas.addEventListener("pointermove", (e) => {
    if (e.pointerId !== pointer) return;
    const events = e.getCoalescedEvents ? e.getCoalescedEvents() : [e];
    for (const ev of (events.length ? events : [e])) {
      const p = at(ev);
      segment(last, p);
      last = p;
    }
    e.preventDefault();
  });
  const end = (e) => {
    if (e.pointerId !== pointer) return;
    pointer = null;
    model.set("png", canvas.toDataURL("image/png"));
    model.set("strokes", model.get("strokes") + 1);
    model.save_changes();
  };
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);
  const clear = () => {
    ctx.clearRect(0, 0, size, size);
    pen();
  };
  model.on("change:clears", clear);
  el.classList.add("bp-digit-canvas-box");
  el.appendChild(canvas);
  return () => model.off("change:clears", clear);
}

export default { render };
