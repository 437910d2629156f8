// The try page's Web Worker: Pyodide runs chainrule here, so the page never freezes.
//
// The page sends {type: "boot", ...} once, then {id, call, args} messages; each call is one of
// session.py's functions, answered with {id, result} or {id, error} in order (Python runs one
// call at a time). Two ways to boot:
//   - from the site: `base` is the URL of try/, every file is fetched from there (and, after the
//     first visit, from the service worker's cache);
//   - the single-file edition: `files` holds every file's bytes (the page decoded them from its
//     own base64), so nothing is fetched: modules are imported from blob: URLs made here, and the
//     few files Pyodide fetches by name (its wasm, its standard library) are answered from memory.
// Module worker: Pyodide refuses classic workers.

let pyodide = null;
let renderSvg = null;
let session = null;

function fileGetter(message) {
  if (!message.files) {
    const base = new URL(message.base);
    return {
      url: (name) => new URL(name, base).href,
      bytes: async (name) => {
        const response = await fetch(new URL(name, base));
        if (!response.ok) throw new Error(`${name}: HTTP ${response.status}`);
        return new Uint8Array(await response.arrayBuffer());
      },
      text: async (name) => {
        const response = await fetch(new URL(name, base));
        if (!response.ok) throw new Error(`${name}: HTTP ${response.status}`);
        return response.text();
      },
      pyodideOptions: { indexURL: new URL("pyodide/", base).href },
    };
  }
  const files = message.files;
  const take = (name) => {
    if (!(name in files)) throw new Error(`the single-file edition has no ${name}`);
    return files[name];
  };
  const blobs = {};
  const url = (name) => (blobs[name] ??= URL.createObjectURL(new Blob([take(name)], { type: "text/javascript" })));
  // Pyodide fetches its wasm and standard library by URL: answer those from memory
  const indexURL = "https://chainrule-single-file.invalid/pyodide/";
  const networkFetch = self.fetch.bind(self);
  self.fetch = async (resource, init) => {
    const address = String(resource instanceof Request ? resource.url : resource);
    if (address.startsWith(indexURL)) {
      const name = "pyodide/" + address.slice(indexURL.length);
      const type = name.endsWith(".wasm") ? "application/wasm" : "application/octet-stream";
      return new Response(take(name), { headers: { "Content-Type": type } });
    }
    return networkFetch(resource, init);
  };
  return {
    url,
    bytes: async (name) => new Uint8Array(take(name)),
    text: async (name) => new TextDecoder().decode(take(name)),
    pyodideOptions: {
      indexURL,
      lockFileContents: new TextDecoder().decode(take("pyodide/pyodide-lock.json")),
      packageBaseUrl: indexURL,
    },
    createModule: async () => (await import(url("pyodide/pyodide.asm.mjs"))).default,
  };
}

async function boot(message) {
  const get = fileGetter(message);
  const { loadPyodide } = await import(get.url("pyodide/pyodide.mjs"));
  const options = { ...get.pyodideOptions, stdout: () => {}, stderr: () => {} };
  if (get.createModule) options.createPyodideModule = await get.createModule();
  pyodide = await loadPyodide(options);
  const site = pyodide.runPython("import site; site.getsitepackages()[0]");
  for (const wheel of message.build.wheels) {
    pyodide.unpackArchive(await get.bytes("wheels/" + wheel), "wheel", { extractDir: site });
  }
  const { instance } = await import(get.url("viz/viz.js"));
  const { vizRenderer } = await import(get.url("viz_renderer.mjs"));
  renderSvg = await vizRenderer(instance);
  pyodide.pyimport("autograd.views.render").set_renderer(renderSvg);
  const namespace = pyodide.globals.get("dict")();
  pyodide.runPython(await get.text("session.py"), { globals: namespace, filename: "session.py" });
  session = namespace;
  return pyodide.runPython("import sys; sys.version.split()[0]");
}

function call(name, args) {
  const fn = session.get(name);
  try {
    const result = fn(...args);
    if (result && typeof result.toJs === "function") {
      const plain = result.toJs({ dict_converter: Object.fromEntries });
      result.destroy();
      return plain;
    }
    return result;
  } finally {
    fn.destroy();
  }
}

// Python's own message, without Pyodide's frames (the session's functions catch the learner's
// errors themselves; this is for faults of the page or of chainrule)
function pythonMessage(error) {
  const text = String(error && error.message || error);
  const lines = text.split("\n");
  const start = lines.findIndex((line) => line.includes('File "session.py"'));
  return start > 0 ? ["Traceback (most recent call last):", ...lines.slice(start)].join("\n").trim() : text.trim();
}

let queue = Promise.resolve();
self.onmessage = (event) => {
  const message = event.data;
  queue = queue.then(async () => {
    try {
      const result = message.type === "boot" ? await boot(message) : call(message.call, message.args);
      if (renderSvg) await renderSvg.ready();  // a spare viz.js instance for the next render
      self.postMessage({ id: message.id, result });
    } catch (error) {
      self.postMessage({ id: message.id, error: pythonMessage(error) });
    }
  });
};
