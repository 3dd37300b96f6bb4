import { api } from "../api.js";
import { bindForm } from "../forms.js";
import { replace } from "../page.js";

const form = document.getElementById("forgot-form");
bindForm(form, (values) => api("POST", "/api/v1/auth/forgot-password", { email: values.email }),
  () => replace(form, document.getElementById("sent")));
