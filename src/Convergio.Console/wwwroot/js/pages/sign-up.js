import { api, refreshCsrf } from "../api.js";
import { bindForm } from "../forms.js";
import { replace } from "../page.js";

const form = document.getElementById("sign-up-form");
const checkMail = document.getElementById("check-mail");

bindForm(form, (values) => api("POST", "/api/v1/auth/register", {
  email: values.email,
  password: values.password,
  fullName: values.fullName || null,
}), async () => {
  // Where sign-up opens a session at once (no verification required), it has a new CSRF token.
  await refreshCsrf();
  checkMail.querySelector('[data-field="email"]').textContent = form.elements.email.value;
  replace(form, checkMail);
});
