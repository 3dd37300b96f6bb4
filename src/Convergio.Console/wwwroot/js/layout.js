// Runs on every console page: the Trusted Types policy, the navigation for the visitor, sign-out.
import "./trusted-types.js";
import { api, currentUser, refreshCsrf } from "./api.js";
import { notify } from "./forms.js";

const user = await currentUser();
const shown = new Set(user ? ["signed-in", ...(user.platformAdmin ? ["platform-admin"] : [])] : ["signed-out"]);
for (const item of document.querySelectorAll("[data-when]")) {
  item.hidden = !shown.has(item.dataset.when);
}

document.getElementById("sign-out")?.addEventListener("click", async () => {
  const result = await api("POST", "/api/v1/auth/logout");
  if (result.ok || result.status === 401) {
    await refreshCsrf();
    location.assign("/sign-in");
  } else {
    notify(result.problem?.detail ?? result.problem?.title ?? "Sign-out failed. Please try again.");
  }
});
