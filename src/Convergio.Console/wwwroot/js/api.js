// The console's only way to the API: same origin or cross-origin (Console:ApiBaseUrl), always with
// the session cookie and, on changes, the CSRF token held in memory (never read from a cookie,
// which a console on another origin cannot see).
import { bindForm, el } from "./forms.js";

const problems = "https://convergio.io/problems/";
const unsafe = (method) => method !== "GET" && method !== "HEAD";
const base = document.querySelector('meta[name="convergio-api-base"]')?.content.replace(/\/$/, "") || location.origin;

let csrfToken = null;
let me;

/** An absolute URL on the API (for links such as CSV downloads). */
export function apiUrl(path) {
  return new URL(path, `${base}/`).href;
}

/** Fetches a CSRF token for the current session; call after every session change (sign-in, sign-out, step-up). */
export async function refreshCsrf() {
  const result = await send("GET", "/api/v1/auth/csrf");
  csrfToken = result.ok ? result.data.token : null;
  me = undefined;
  return csrfToken;
}

/** Calls the API; resolves to `{ ok, status, data, problem, headers }` and never throws for HTTP errors. */
export async function api(method, path, body) {
  let result = await sendWithFreshCsrf(method, path, body);
  if (result.status === 403 && result.problem?.type === `${problems}reauthentication-required` && (await stepUp())) {
    result = await sendWithFreshCsrf(method, path, body);
  }
  return result;
}

/** The signed-in user (`GET /api/v1/auth/me`), or null; asked once per page. */
export function currentUser() {
  me ??= send("GET", "/api/v1/auth/me").then((result) => (result.ok ? result.data : null));
  return me;
}

/** Like currentUser, but sends a visitor who is not signed in to the sign-in page (and then back). */
export async function requireUser() {
  const user = await currentUser();
  if (!user) {
    location.assign(`/sign-in?returnUrl=${encodeURIComponent(location.pathname + location.search)}`);
    // The page is going away: nothing after this should run.
    return new Promise(() => {});
  }
  return user;
}

async function sendWithFreshCsrf(method, path, body) {
  if (unsafe(method) && csrfToken === null) {
    await refreshCsrf();
  }
  const result = await send(method, path, body);
  if (result.status === 403 && result.problem?.type === `${problems}csrf-token-invalid`) {
    await refreshCsrf();
    return send(method, path, body);
  }
  return result;
}

async function send(method, path, body) {
  const headers = { Accept: "application/json" };
  const init = { method, headers, credentials: "include" };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  if (unsafe(method) && csrfToken) {
    headers["X-CSRF-Token"] = csrfToken;
  }
  let response;
  try {
    response = await fetch(apiUrl(path), init);
  } catch {
    return { ok: false, status: 0, data: null, problem: { title: "Network error", detail: "Convergio could not be reached. Check your connection and try again." }, headers: new Headers() };
  }
  let payload = null;
  if ((response.headers.get("Content-Type") ?? "").includes("json")) {
    payload = await response.json().catch(() => null);
  }
  return response.ok
    ? { ok: true, status: response.status, data: payload, problem: null, headers: response.headers }
    : { ok: false, status: response.status, data: null, problem: payload ?? { title: response.statusText || `HTTP ${response.status}` }, headers: response.headers };
}

/** Asks the user to confirm it is them (password, and the code when two-factor is on); true once the API accepted it. */
async function stepUp() {
  const user = await currentUser();
  return new Promise((resolve) => {
    const form = el("form", { method: "dialog", novalidate: true },
      el("h2", { id: "step-up-title", text: "Confirm it's you" }),
      el("p", { text: "This action needs a recent sign-in. Enter your password to continue." }),
      el("div", { role: "alert", class: "form-error" }),
      el("div", { class: "field" },
        el("label", { for: "step-up-password", text: "Password" }),
        el("input", { id: "step-up-password", name: "password", type: "password", autocomplete: "current-password", required: true })),
      user?.mfaEnabled
        ? el("div", { class: "field" },
          el("label", { for: "step-up-code", text: "Authentication code" }),
          el("input", { id: "step-up-code", name: "code", type: "text", inputmode: "numeric", autocomplete: "one-time-code", required: true }))
        : null,
      el("p", { class: "actions" },
        el("button", { type: "submit", class: "button", text: "Confirm" }),
        el("button", { type: "button", class: "button button-secondary", text: "Cancel", onclick: () => dialog.close("cancel") })));
    const dialog = el("dialog", { class: "dialog", "aria-labelledby": "step-up-title" }, form);
    let confirmed = false;
    dialog.addEventListener("close", () => {
      dialog.remove();
      resolve(confirmed);
    });
    bindForm(form, (values) => sendWithFreshCsrf("POST", "/api/v1/auth/reauthenticate", values), async () => {
      confirmed = true;
      await refreshCsrf();
      dialog.close("confirmed");
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}
