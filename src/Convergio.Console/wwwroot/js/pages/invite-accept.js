import { api, currentUser } from "../api.js";
import { bindForm } from "../forms.js";
import { linkToken, replace } from "../page.js";

const form = document.getElementById("accept-form");
const token = linkToken(form);
const user = await currentUser();
if (!user) {
  // Signing in comes back here with the token (kept in the address for that reason).
  document.getElementById("sign-in-link").href = `/sign-in?returnUrl=${encodeURIComponent(location.pathname + location.search)}`;
  document.getElementById("needs-account").hidden = false;
} else {
  form.hidden = false;
  bindForm(form, () => api("POST", "/api/v1/invites/accept", { token }), (result) => {
    const done = document.getElementById("done");
    done.querySelector('[data-field="orgName"]').textContent = result.data.name;
    document.getElementById("org-link").href = `/orgs/${encodeURIComponent(result.data.id)}`;
    replace(form, done);
  });
}
