// The try page's main script: it starts the Web Worker that runs Python (worker.js) and shows
// what the worker sends back. Nothing here waits on Python synchronously, so the page never freezes.
//
// From the site, a service worker (sw.js) first saves every file the page uses for offline use;
// the single-file edition (its files inlined as base64 by web/build_try.py) needs no server.

const build = JSON.parse(document.getElementById("build").textContent);
const words = JSON.parse(document.getElementById("words").textContent);
const $ = (id) => document.getElementById(id);
const say = (template, values) => template.replace(/\{(\w+)\}/g, (_, key) => String(values[key]));
const singleFile = document.querySelector("script[data-file]") !== null;

let worker = null;
let asked = 0;
const waiting = new Map();
let step = 0;
let total = 0;
let root = "C";
let busy = false;
let restarting = false;  // Stop is starting Python again: the controls stay disabled
const ZOOMS = [0.25, 0.35, 0.5, 0.7, 1];
let zoom = 3;  // an index into ZOOMS: the picture's scale (0.7: its labels about 11 px high)

function ask(call, ...args) {
  const id = ++asked;
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    worker.postMessage({ id, call, args });
  });
}

function answer(event) {
  const { id, result, error } = event.data;
  const pending = waiting.get(id);
  if (pending === undefined) return;  // an answer from before a Stop
  waiting.delete(id);
  if (error !== undefined) pending.reject(new Error(error));
  else pending.resolve(result);
}

function setStatus(text) {
  $("status").textContent = text;
}

function setBusy(on) {
  on = on || restarting;
  busy = on;
  $("prev").disabled = on || step <= 0;
  $("next").disabled = on || step >= total;
  $("player").disabled = on;
  $("run").disabled = on;
  document.body.dataset.busy = on ? "yes" : "no";
}

// Run one request to Python with the controls disabled; a failure is shown where it belongs.
async function withPython(work, showError) {
  if (busy) return;
  setBusy(true);
  try {
    await work();
  } catch (error) {
    showError(error.message);
  } finally {
    setBusy(false);
  }
}

function showForward(values, yours) {
  const lines = [];
  if (values.a2) lines.push(`a2 = ${values.a2}`);
  lines.push(`C  = ${values.C}`);
  $("forward-out").textContent = (yours ? `# ${words.yours}\n` : "") + lines.join("\n");
  total = values.total;
  root = values.root;
}

async function showStep(k) {
  const shown = await ask("step", k);
  step = shown.k;
  total = shown.total;
  $("counter").textContent = say(words.counter, { k: step, n: total });
  const steps = $("steps");
  steps.replaceChildren(...(shown.lines.length ? shown.lines : [say(words.seeded, { root })]).map((line, i, all) => {
    const pre = document.createElement("pre");
    pre.textContent = line;
    if (i === all.length - 1) pre.className = "current";
    return pre;
  }));
  steps.scrollTop = steps.scrollHeight;
  const picture = $("picture");
  picture.innerHTML = shown.svg;  // made by chainrule's draw and viz.js here: labels are escaped text
  picture.dataset.step = String(step);
  fitZoom();
}

// Scale the picture (Graphviz gives its size in points) and bring the step's node into view.
function fitZoom() {
  const picture = $("picture");
  const svg = picture.querySelector("svg");
  if (!svg) return;
  const [, , width, height] = svg.getAttribute("viewBox").split(/\s+/).map(Number);
  svg.style.width = `${width * ZOOMS[zoom] * 4 / 3}px`;
  svg.style.height = `${height * ZOOMS[zoom] * 4 / 3}px`;
  $("zoom-out").disabled = zoom === 0;
  $("zoom-in").disabled = zoom === ZOOMS.length - 1;
  const active = picture.querySelector("g.node.active") || picture.querySelector("g.node.changed");
  if (active) {  // bring the step's node into view inside the picture's box, not the page
    const box = active.getBoundingClientRect();
    const frame = picture.getBoundingClientRect();
    picture.scrollLeft += box.left + box.width / 2 - (frame.left + frame.width / 2);
    picture.scrollTop += box.top + box.height / 2 - (frame.top + frame.height / 2);
  }
}

function stepBy(delta) {
  const k = Math.min(total, Math.max(0, step + delta));
  if (k === step) return;
  withPython(() => showStep(k), (message) => { $("steps").textContent = message; });
}

async function openPlayer() {
  const html = await ask("player_html", document.documentElement.lang === "zh-CN" ? "zh_CN" : "en");
  const url = URL.createObjectURL(new Blob([html], { type: "text/html" }));
  const link = $("player-link");
  link.querySelector("a").href = url;
  const tab = window.open(url, "_blank");
  link.hidden = tab !== null;
}

async function runCell() {
  const out = $("cell-out");
  out.className = "";
  out.textContent = words.busy;
  $("stop").hidden = false;
  let result;
  try {
    result = await ask("run_cell", $("code").value, JSON.stringify(words));
  } finally {
    $("stop").hidden = true;
  }
  if (result.error) {
    out.className = "error";
    out.textContent = (result.printed ? result.printed + "\n" : "") + result.error;
    return;
  }
  out.textContent = result.printed;
  showForward(result, true);
  await showStep(0);
}

async function inlineFiles() {
  const files = {};
  for (const element of document.querySelectorAll("script[data-file]")) {
    const data = "data:application/octet-stream;base64," + element.textContent.trim();
    files[element.dataset.file] = await (await fetch(data)).arrayBuffer();
    element.remove();
  }
  return files;
}

// Register the service worker and, on a first visit, wait until it has saved every file (then
// it controls this page, and the worker's downloads come from its cache: nothing is fetched twice).
async function saveForOffline(base) {
  const offline = $("offline");
  if (!("serviceWorker" in navigator) || !window.isSecureContext) {
    offline.textContent = words.offline_no;
    return;
  }
  try {
    const registration = await navigator.serviceWorker.register(new URL("sw.js", base), { scope: base.href });
    if (!navigator.serviceWorker.controller) {
      setStatus(words.saving);
      await new Promise((resolve) => {
        navigator.serviceWorker.addEventListener("controllerchange", resolve, { once: true });
        const installing = registration.installing || registration.waiting;
        if (installing) installing.addEventListener("statechange", () => { if (installing.state === "redundant") resolve(); });
        else resolve();
      });
      setStatus(words.loading);
    }
  } catch (error) {
    console.warn("service worker:", error);
  }
  const saved = navigator.serviceWorker.controller !== null;
  offline.textContent = saved ? words.offline_yes : words.offline_no;
  document.body.dataset.offline = saved ? "saved" : "no";
}

// How to (re)start the worker: its script's URL and its boot message, kept for Stop's restart
let workerSource = null;
let bootMessage = null;

async function prepare() {
  if (singleFile) {
    document.body.dataset.edition = "single-file";
    $("offline").textContent = words.single_file_offline;
    const files = await inlineFiles();
    // from file://, a blob: worker counts as another origin and is refused; a data: one is allowed
    workerSource = await new Promise((resolve) => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result);
      reader.readAsDataURL(new Blob([files["worker.js"]], { type: "text/javascript" }));
    });
    delete files["worker.js"];
    bootMessage = { type: "boot", id: 0, build, files };  // copied, not transferred: a restart needs them again
  } else {
    const base = new URL(".", import.meta.url);
    await saveForOffline(base);
    workerSource = new URL("worker.js", base);
    bootMessage = { type: "boot", id: 0, build, base: base.href };
  }
}

// Start the worker, load Python and chainrule in it, and show the 3-2-1 network.
async function startPython() {
  worker = new Worker(workerSource, { type: "module" });
  worker.onmessage = answer;
  worker.onerror = (event) => fail(event.message || "the worker could not start");
  const python = await new Promise((resolve, reject) => {
    waiting.set(0, { resolve, reject });
    worker.postMessage(bootMessage);
  });
  showForward(await ask("forward"), false);
  await showStep(0);
  setStatus(say(words.ready, { python, chainrule: build.versions.chainrule }));
}

async function start() {
  await prepare();
  await startPython();
  setBusy(false);
  document.body.dataset.readyAfter = String(Math.round(performance.now()));  // ms (the benchmark reads it)
  document.body.dataset.state = "ready";
}

// Stop a run that does not end (a loop in the learner's code): Python cannot be interrupted from
// here without cross-origin isolation, so the worker is ended and a new one started (from the cache).
async function stopPython() {
  restarting = true;
  $("stop").hidden = true;
  worker.terminate();
  for (const pending of waiting.values()) pending.reject(new Error(words.stopped));
  waiting.clear();
  document.body.dataset.state = "loading";
  setStatus(words.loading);
  try {
    await startPython();
    document.body.dataset.state = "ready";
  } catch (error) {
    fail(error.message || String(error));
  } finally {
    restarting = false;
    setBusy(false);
  }
}

function fail(message) {
  document.body.dataset.state = "failed";
  setStatus(`${words.failed}\n${message}`);
}

$("prev").addEventListener("click", () => stepBy(-1));
$("next").addEventListener("click", () => stepBy(1));
$("player").addEventListener("click", () => withPython(openPlayer, (message) => { $("cell-out").textContent = message; }));
$("run").addEventListener("click", () => withPython(runCell, (message) => {
  $("cell-out").className = "error";
  $("cell-out").textContent = message;
}));
$("zoom-out").addEventListener("click", () => { zoom = Math.max(0, zoom - 1); fitZoom(); });
$("zoom-in").addEventListener("click", () => { zoom = Math.min(ZOOMS.length - 1, zoom + 1); fitZoom(); });
$("stop").addEventListener("click", stopPython);
$("reset").addEventListener("click", () => { $("code").value = $("code").defaultValue; });
document.addEventListener("keydown", (event) => {
  if (event.target instanceof HTMLTextAreaElement || event.altKey || event.ctrlKey || event.metaKey) return;
  if (event.key === "ArrowRight") stepBy(1);
  if (event.key === "ArrowLeft") stepBy(-1);
});

start().catch((error) => fail(error.message || String(error)));
