import { api, requireUser } from "../api.js";
import { bindForm, notify } from "../forms.js";

const user = await requireUser();
const form = document.getElementById("profile-form");
document.getElementById("email").textContent = user.email;
document.getElementById("email-verified").textContent = user.emailVerified ? "Yes" : "Not yet: open the link we mailed you";
form.elements.fullName.value = user.fullName ?? "";

bindForm(form, (values) => api("PATCH", "/api/v1/auth/me", { fullName: values.fullName }), (result) => {
  form.elements.fullName.value = result.data.fullName ?? "";
  notify("Your name is saved.");
});
