// The backward player's script (autograd/views/player.py inlines this file). It reads the steps from the
// page's JSON, writes every text with textContent (never as HTML), and keeps the active step in view.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("data").textContent);
  const words = data.words;
  const $ = (id) => document.getElementById(id);
  const bar = $("bar"), view = $("view"), stage = $("stage"), line = $("line"), more = $("more");
  const slider = $("slider"), counter = $("counter"), play = $("play"), zoomLevel = $("zoom-level");
  const table = $("table");
  const svg = stage.querySelector("svg");
  const natW = Number(svg.dataset.width), natH = Number(svg.dataset.height);
  const last = data.steps.length - 1;
  const rows = Array.from(table.querySelectorAll(".row"));
  const gradText = new Map();
  Array.from(svg.querySelectorAll("text.grad")).forEach((t) => {
    gradText.set(t.closest("g.node").id, t);
  });
  // In a notebook the page is a frame of its own: it is as tall as its content, and tells its host
  let embedded = false;
  try { embedded = window.self !== window.top; } catch (e) { embedded = true; }
  if (embedded) document.body.classList.add("embedded");
  const READABLE = 0.85;  // the default zoom is never below this: 10 pt labels at 11 px
  const MARGIN = 16;  // room kept around the step's nodes inside the view
  let current = 0, timer = null, zoom = 1, preferred = 1, lit = [];

  function counterText(k) {
    return words.counter.replace("{k}", String(k)).replace("{n}", String(last));
  }
  function fitZoom() {
    return Math.min((view.clientWidth - 24) / natW, (view.clientHeight - 24) / natH);
  }
  function clampZoom(z) {
    return Math.max(Math.min(0.1, fitZoom()), Math.min(5, z));
  }
  function setZoom(z, cx, cy) {
    z = clampZoom(z);
    const v = view.getBoundingClientRect();
    if (cx === undefined) { cx = v.left + view.clientWidth / 2; cy = v.top + view.clientHeight / 2; }
    const before = svg.getBoundingClientRect();
    const ux = (cx - before.left) / zoom, uy = (cy - before.top) / zoom;
    zoom = z;
    svg.style.width = (natW * z) + "px";
    svg.style.height = (natH * z) + "px";
    const after = svg.getBoundingClientRect();
    view.scrollLeft += after.left + ux * z - cx;
    view.scrollTop += after.top + uy * z - cy;
    zoomLevel.textContent = (z < 0.1 ? (z * 100).toFixed(1) : Math.round(z * 100)) + "%";
    document.body.dataset.zoom = String(z);
  }
  function userZoom(z, cx, cy) { setZoom(z, cx, cy); preferred = zoom; }

  // ---- the step's text: every line readable at any width ----
  function fill(target, step, narrow) {
    target.textContent = "";
    target.classList.toggle("narrow", narrow);
    if (!narrow) { target.textContent = step.line; return; }
    // too wide for the box: the head on a line of its own, then each edge, wrapped at spaces
    const parts = [step.head].concat(step.lines);
    parts.forEach((text, i) => {
      const span = document.createElement("span");
      span.className = i === 0 ? "head" : "edge";
      span.textContent = text + (i < parts.length - 1 ? "\n" : "");
      target.appendChild(span);
    });
  }
  function tooWide(target) { return target.scrollWidth > target.clientWidth + 1; }
  function writeLine(target, step) {
    fill(target, step, false);
    if (tooWide(target)) fill(target, step, true);
  }
  let lineHeight = 0;
  function sizeLine() {
    // as tall as the tallest step at this width (so nothing moves between steps), up to a share of
    // the window; a taller step scrolls inside the box and #more says so
    const probe = line.cloneNode(false);
    probe.removeAttribute("id");
    probe.style.cssText = "position:absolute;visibility:hidden;height:auto;left:0;top:0;";
    probe.style.width = line.getBoundingClientRect().width + "px";
    probe.className = "stepline";
    line.parentNode.appendChild(probe);
    probe.id = "line-probe";
    let tallest = 0;
    const measured = new Set();  // steps whose lines have the same lengths take the same room
    data.steps.forEach((step) => {
      const shape = [step.head.length].concat(step.lines.map((l) => l.length)).join(",");
      if (measured.has(shape)) return;
      measured.add(shape);
      writeLine(probe, step);
      tallest = Math.max(tallest, probe.getBoundingClientRect().height);
    });
    probe.remove();
    const cap = Math.max(80, Math.round(window.innerHeight * (embedded ? 0.6 : 0.38)));
    lineHeight = Math.ceil(Math.min(tallest, cap));
    line.style.height = lineHeight + "px";
  }
  function showLine(step) {
    writeLine(line, step);
    line.scrollTop = 0;
    const over = line.scrollHeight > line.clientHeight + 1;
    line.classList.toggle("more", over);
    more.hidden = !over;
  }

  // ---- keeping the step's nodes in view ----
  function stepIds(step) {
    return (step.node ? [step.node] : []).concat(step.active, step.edges, step.changed);
  }
  function screenBox(ids) {
    const r = { left: Infinity, top: Infinity, right: -Infinity, bottom: -Infinity };
    ids.forEach((id) => {
      const e = $(id);
      if (!e) return;
      const q = e.getBoundingClientRect();
      r.left = Math.min(r.left, q.left); r.top = Math.min(r.top, q.top);
      r.right = Math.max(r.right, q.right); r.bottom = Math.max(r.bottom, q.bottom);
    });
    return r.left === Infinity ? null : r;
  }
  function inner() {
    const v = view.getBoundingClientRect();
    const left = v.left + view.clientLeft, top = v.top + view.clientTop;
    return { left: left, top: top, right: left + view.clientWidth, bottom: top + view.clientHeight,
             width: view.clientWidth, height: view.clientHeight };
  }
  function shift(lo, hi, vlo, vhi, centre) {
    // the least scroll along one axis that brings [lo, hi] inside [vlo, vhi] with a margin;
    // if it cannot fit, centre `centre` (the step's own node)
    if (hi - lo > vhi - vlo - 2 * MARGIN + 2) return centre - (vlo + vhi) / 2;
    if (lo < vlo + MARGIN) return lo - (vlo + MARGIN);
    if (hi > vhi - MARGIN) return hi - (vhi - MARGIN);
    return 0;
  }
  function reveal(mayZoom) {
    const step = data.steps[current];
    const ids = stepIds(step);
    if (!screenBox(ids)) return;
    for (let pass = 0; pass < 2 && mayZoom; pass++) {
      // the zoom at which the node, its op (with the products) and the nodes it changes fit the
      // view together: the reader's zoom, or less if they do not fit at it
      const b = screenBox(ids), v = inner();
      const need = Math.min((v.width - 2 * MARGIN - 4) / ((b.right - b.left) / zoom),
                            (v.height - 2 * MARGIN - 4) / ((b.bottom - b.top) / zoom));
      const z = clampZoom(Math.min(preferred, need));
      if (Math.abs(z - zoom) < 1e-6) break;
      setZoom(z, (b.left + b.right) / 2, (b.top + b.bottom) / 2);
    }
    const b = screenBox(ids), v = inner();
    const main = screenBox(step.node ? [step.node] : step.changed) || b;
    view.scrollLeft += shift(b.left, b.right, v.left, v.right, (main.left + main.right) / 2);
    view.scrollTop += shift(b.top, b.bottom, v.top, v.bottom, (main.top + main.bottom) / 2);
    // the page itself: the step's nodes below the sticky bar and above the window's bottom
    const now = screenBox(ids);
    const below = bar.getBoundingClientRect().bottom + 8;
    if (now.top < below) window.scrollBy(0, now.top - below);
    else if (now.bottom > window.innerHeight - 8) window.scrollBy(0, now.bottom - window.innerHeight + 8);
  }

  function show(k) {
    current = Math.max(0, Math.min(last, k));
    const grads = Object.assign({}, data.start);
    for (let j = 0; j <= current; j++) data.steps[j].grads.forEach((g) => { grads[g[0]] = g[2]; });
    const step = data.steps[current];
    const moving = new Map(step.grads.map((g) => [g[0], g[1] + " \u2192 " + g[2]]));
    gradText.forEach((text, id) => { text.textContent = "grad " + (moving.get(id) || grads[id]); });
    lit.forEach((e) => e.classList.remove("active", "changed"));
    lit = [];
    const mark = (ids, cls) => ids.forEach((id) => {
      const e = $(id);
      if (e) { e.classList.add(cls); lit.push(e); }
    });
    mark(step.changed, "changed");
    mark(step.active, "active");
    mark(step.edges, "active");
    showLine(step);
    counter.textContent = counterText(current);
    slider.value = String(current);
    document.body.dataset.step = String(current);
    let row = null;
    rows.forEach((r) => {
      const on = Number(r.dataset.step) === current;
      r.classList.toggle("current", on);
      if (on && row === null) row = r;
    });
    if (row !== null && !embedded) {
      const top = row.offsetTop, bottom = top + row.offsetHeight;
      if (top < table.scrollTop || bottom > table.scrollTop + table.clientHeight) {
        table.scrollTop = top - table.clientHeight / 3;
      }
    }
    reveal(true);
  }
  function stop() {
    if (timer !== null) { clearInterval(timer); timer = null; play.textContent = words.play; }
  }
  function tellHost() {
    if (!embedded) return;
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height) + 2;
    window.parent.postMessage({ chainrulePlayerHeight: height }, "*");
  }
  function layout() {
    sizeLine();
    if (embedded) view.style.height = data.viewHeight + "px";
    else view.style.height = Math.max(220, window.innerHeight - bar.offsetHeight - 40) + "px";
  }
  function step(k) { stop(); show(k); }
  $("prev").addEventListener("click", () => step(current - 1));
  $("next").addEventListener("click", () => step(current + 1));
  play.addEventListener("click", () => {
    if (timer !== null) { stop(); return; }
    if (current === last) show(0);
    play.textContent = words.pause;
    timer = setInterval(() => { if (current >= last) stop(); else show(current + 1); }, 1200);
  });
  slider.addEventListener("input", () => step(Number(slider.value)));
  table.addEventListener("click", (e) => {
    const row = e.target.closest(".row");
    if (row !== null) step(Number(row.dataset.step));
  });
  const fitAll = () => { userZoom(fitZoom()); view.scrollLeft = 0; view.scrollTop = 0; };
  const actual = () => { userZoom(1); reveal(false); };
  $("zoom-in").addEventListener("click", () => userZoom(zoom * 1.25));
  $("zoom-out").addEventListener("click", () => userZoom(zoom / 1.25));
  $("fit").addEventListener("click", fitAll);
  $("actual").addEventListener("click", actual);
  document.addEventListener("keydown", (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const onSlider = e.target === slider;
    const keys = {
      ArrowRight: () => step(current + 1), ArrowLeft: () => step(current - 1),
      Home: () => step(0), End: () => step(last),
      "+": () => userZoom(zoom * 1.25), "=": () => userZoom(zoom * 1.25),
      "-": () => userZoom(zoom / 1.25), "_": () => userZoom(zoom / 1.25),
      "0": actual, f: fitAll,
    };
    if (onSlider && e.key.startsWith("Arrow")) return;  // the slider moves itself
    if (Object.prototype.hasOwnProperty.call(keys, e.key)) { e.preventDefault(); keys[e.key](); }
  });
  view.addEventListener("wheel", (e) => {
    if (!(e.ctrlKey || e.metaKey)) return;  // a plain wheel scrolls; Ctrl+wheel and pinch zoom
    e.preventDefault();
    userZoom(zoom * Math.exp(-e.deltaY * 0.002), e.clientX, e.clientY);
  }, { passive: false });
  let drag = null;
  view.addEventListener("pointerdown", (e) => {
    if (e.button !== 0 || e.pointerType === "touch") return;
    drag = { x: e.clientX, y: e.clientY, left: view.scrollLeft, top: view.scrollTop };
    view.setPointerCapture(e.pointerId);
    view.classList.add("dragging");
  });
  view.addEventListener("pointermove", (e) => {
    if (drag === null) return;
    view.scrollLeft = drag.left - (e.clientX - drag.x);
    view.scrollTop = drag.top - (e.clientY - drag.y);
  });
  const endDrag = () => { drag = null; view.classList.remove("dragging"); };
  view.addEventListener("pointerup", endDrag);
  view.addEventListener("pointercancel", endDrag);
  let lastWidth = window.innerWidth;
  window.addEventListener("resize", () => {
    layout();
    showLine(data.steps[current]);
    reveal(window.innerWidth !== lastWidth);
    lastWidth = window.innerWidth;
    tellHost();
  });
  layout();
  const fit = fitZoom();
  setZoom(Math.max(READABLE, Math.min(fit, 1)));
  preferred = zoom;
  show(0);
  if (embedded) {
    if (window.ResizeObserver) new ResizeObserver(tellHost).observe(document.body);
    tellHost();
  }
  document.body.dataset.ready = "1";
})();
