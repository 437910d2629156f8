// chainrule's renderer in the browser: Graphviz DOT text in, SVG text out, by viz.js (@viz-js/viz).
//
// A page running chainrule under Pyodide hands the function this module makes to Python:
//     autograd.set_renderer(renderSvg)
// after which draw(...).svg(), Graph.save("x.svg") and player(...) draw with viz.js. viz.js runs the
// same Graphviz as graphviz-pure (tests/test_renderer_parity.py checks the SVG is identical apart
// from the version comment).
//
// The retry: viz.js's WebAssembly build has been seen to fail on every second render of a label with
// a line break in one instance. A render that fails is tried once more on a fresh instance, which
// then replaces the old one. Python calls the renderer synchronously, while viz.js makes instances
// asynchronously, so a spare instance is kept ready and a new spare is made after each swap: a
// page awaits `renderSvg.ready()` after each Python run, so that the next run has a spare again.
//
// Works in browsers, Web Workers and Node (no DOM, no imports: the caller passes viz.js's
// `instance` function, from whichever of its builds it loads).

/**
 * Make chainrule's renderer from viz.js's `instance` function.
 * @param {() => Promise<object>} instance - viz.js's `instance` (each call: a fresh Viz instance)
 * @returns {Promise<((dot: string) => string) & {retries: () => number, ready: () => Promise<void>}>}
 *   the renderer (it throws an Error naming Graphviz's messages when a fresh instance fails too),
 *   with `retries()` (how many renders were retried) and `ready()` (resolves once a spare is made)
 */
export async function vizRenderer(instance) {
  let current = await instance();
  let spare = await instance();
  let retries = 0;
  let pending = null;

  function refill() {
    pending = instance().then((viz) => { spare = viz; }, () => { spare = null; })
      .finally(() => { pending = null; });
  }

  function attempt(viz, dot) {
    try {
      return viz.render(dot, { format: "svg" });
    } catch (error) {  // viz.js throws for bad input types or a broken instance
      return { status: "failure", errors: [{ level: "error", message: String(error && error.message || error) }] };
    }
  }

  function renderSvg(dot) {
    if (typeof dot !== "string") {
      throw new TypeError(`renderSvg: needs DOT text (a string), got ${typeof dot}`);
    }
    let result = attempt(current, dot);
    if (result.status !== "success" && spare !== null) {
      retries += 1;
      current = spare;  // the failed instance is dropped: its state is not trusted again
      spare = null;
      refill();
      result = attempt(current, dot);
    }
    if (result.status !== "success") {
      const messages = result.errors.map((e) => e.message.trim()).join("; ") || "no message";
      throw new Error(`viz.js could not render the graph: ${messages}`);
    }
    return result.output;
  }

  renderSvg.retries = () => retries;
  // Python runs synchronously, so a new spare can only be made between runs: await this after each
  renderSvg.ready = () => pending ?? Promise.resolve();
  return renderSvg;
}
