import { api } from "../api.js";
import { bindForm } from "../forms.js";
import { linkToken, replace } from "../page.js";

const form = document.getElementById("reset-form");
const token = linkToken(form);
// The token stays out of the address bar (history, screenshots) once read.
history.replaceState(null, "", location.pathname);
bindForm(form, (values) => api("POST", "/api/v1/auth/reset-password", { token, newPassword: values.newPassword }),
  () => replace(form, document.getElementById("done")));
