import { api, refreshCsrf } from "../api.js";
import { bindForm } from "../forms.js";
import { linkToken, replace } from "../page.js";

const form = document.getElementById("confirm-form");
const token = linkToken(form);
history.replaceState(null, "", location.pathname);
bindForm(form, () => api("POST", "/api/v1/auth/email-change/confirm", { token }), async () => {
  await refreshCsrf();
  replace(form, document.getElementById("done"));
});
