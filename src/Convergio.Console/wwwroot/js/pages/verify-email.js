import { api } from "../api.js";
import { bindForm } from "../forms.js";
import { linkToken, replace } from "../page.js";

// A button, not an automatic call: mail scanners open links, and must not verify for the owner.
const form = document.getElementById("verify-form");
const token = linkToken(form);
history.replaceState(null, "", location.pathname);
bindForm(form, () => api("POST", "/api/v1/auth/verify-email", { token }),
  () => replace(form, document.getElementById("done")));
