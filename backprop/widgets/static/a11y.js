// The accessibility helper of a backprop.widgets panel (an anywidget ES module shipped in the
// package; nothing loads from the internet). ipywidgets 8 gives no way to name a slider's
// handle, to put an alt on an Image or to make a live region, so this module does, for the
// panel it sits in (the nearest .bp-panel), and keeps doing it as the widgets re-render:
// * every picture (an ipywidgets Image whose tooltip the kernel sets to its description)
//   gets that text as its alt; the title is dropped, so no tooltip covers the picture;
// * every slider's handle (noUiSlider, role=slider) gets its label as accessible name and
//   the read-out as its value text ("learning rate", "0.5"; the log slider's handle would
//   otherwise say the exponent), and the editable read-out a name of its own;
// * the view switch's buttons say which one is pressed (aria-pressed);
// * this widget itself is a polite live region, visually hidden, in which the kernel writes
//   only what should be announced: a run's start and end, a digit's reading, a step.
// Without this module (a front end that cannot load anywidget) the panel still works and its
// pictures are still named (by their title); only these additions are missing.

function name(el) {
  return (el ? el.textContent : "").replace(/\s+/g, " ").trim();
}

function fix(panel) {
  for (const img of panel.querySelectorAll("img.widget-image, img.jupyter-widget-image")) {
    const title = img.getAttribute("title");
    if (title) {
      if (img.getAttribute("alt") !== title) img.setAttribute("alt", title);
      img.removeAttribute("title");
    } else if (!img.hasAttribute("alt")) {
      img.setAttribute("alt", "");  // no description yet: nothing drawn yet
    }
  }
  for (const slider of panel.querySelectorAll(".widget-slider, .jupyter-widget-slider")) {
    const label = name(slider.querySelector(".widget-label"));
    const readout = slider.querySelector(".widget-readout");
    const value = name(readout);
    for (const handle of slider.querySelectorAll(".noUi-handle")) {
      if (label && handle.getAttribute("aria-label") !== label) {
        handle.setAttribute("aria-label", label);
      }
      if (value && handle.getAttribute("aria-valuetext") !== value) {
        handle.setAttribute("aria-valuetext", value);
      }
    }
    if (readout && label) {
      const text = `${label}, typed value`;
      if (readout.getAttribute("aria-label") !== text) {
        readout.setAttribute("role", "textbox");
        readout.setAttribute("aria-label", text);
      }
    }
  }
  for (const group of panel.querySelectorAll(".widget-toggle-buttons, .jupyter-widget-toggle-buttons")) {
    if (group.getAttribute("role") !== "group") {
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", "view");
    }
    for (const button of group.querySelectorAll("button")) {
      const pressed = button.classList.contains("mod-active") ? "true" : "false";
      if (button.getAttribute("aria-pressed") !== pressed) {
        button.setAttribute("aria-pressed", pressed);
      }
    }
  }
}

function render({ model, el }) {
  const region = document.createElement("div");
  region.className = "bp-announce";
  region.setAttribute("role", "status");
  region.setAttribute("aria-live", "polite");
  region.setAttribute("aria-atomic", "true");
  el.appendChild(region);
  let timer = null;
  const say = () => {
    // emptied first, then written: the same words twice are announced twice
    region.textContent = "";
    clearTimeout(timer);
    timer = setTimeout(() => { region.textContent = model.get("announcement"); }, 100);
  };
  model.on("change:count", say);

  let observer = null;
  let tries = 0;
  let stopped = false;
  const attach = () => {
    if (stopped) return;
    const panel = el.closest(".bp-panel");
    if (!panel) {  // not on the page yet: the panel's box adds its children afterwards
      if (tries++ < 600) setTimeout(attach, 100);
      return;
    }
    fix(panel);
    observer = new MutationObserver(() => fix(panel));
    observer.observe(panel, {
      subtree: true, childList: true, characterData: true, attributes: true,
      attributeFilter: ["title", "class", "aria-valuetext"],
    });
  };
  attach();
  return () => {
    stopped = true;
    if (observer) observer.disconnect();
    clearTimeout(timer);
    model.off("change:count", say);
  };
}

export default { render };
