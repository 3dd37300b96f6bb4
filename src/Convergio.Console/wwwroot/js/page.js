// Small helpers the foundation pages share.
import { notify } from "./forms.js";

/** The `token` of a mailed link, or null (after telling the visitor the link is incomplete). */
export function linkToken(form) {
  const token = new URLSearchParams(location.search).get("token");
  if (!token) {
    form.querySelector('[role="alert"]').textContent = "This link is incomplete. Open the link from your mail again.";
    form.querySelector('[type="submit"]').disabled = true;
  }
  return token;
}

/** Hides `current` and shows `next`, moving focus to its heading so the change is announced. */
export function replace(current, next, message) {
  current.hidden = true;
  next.hidden = false;
  (next.querySelector("h1, h2") ?? next).setAttribute("tabindex", "-1");
  (next.querySelector("h1, h2") ?? next).focus();
  if (message) {
    notify(message);
  }
}

/** A same-site path to go to after signing in: only a local path, never another site. */
export function returnUrl() {
  const value = new URLSearchParams(location.search).get("returnUrl");
  return value && value.startsWith("/") && !value.startsWith("//") && !value.startsWith("/\\") ? value : "/";
}
