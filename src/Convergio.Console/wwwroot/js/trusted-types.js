// The one Trusted Types policy the CSP allows ("trusted-types convergio"), created once per page.
// The console builds DOM from nodes and textContent, so HTML and script strings are always refused;
// the only sanctioned sink is a script URL for the console's own modules.
const refuse = (kind) => () => {
  throw new TypeError(`Convergio refuses a raw ${kind} string; build DOM nodes instead.`);
};

export const policy = globalThis.trustedTypes?.createPolicy("convergio", {
  createHTML: refuse("HTML"),
  createScript: refuse("script"),
  createScriptURL(value) {
    const url = new URL(value, location.href);
    if (url.origin === location.origin && url.pathname.startsWith("/js/")) {
      return url.href;
    }
    throw new TypeError(`Convergio loads scripts only from its own /js/ folder, not ${url.href}.`);
  },
});
