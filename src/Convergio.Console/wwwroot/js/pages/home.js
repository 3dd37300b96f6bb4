import { currentUser } from "../api.js";

const user = await currentUser();
const section = document.getElementById(user ? "signed-in" : "signed-out");
if (user) {
  const values = {
    name: user.fullName || user.email,
    email: user.email,
    emailVerified: user.emailVerified ? "Yes" : "Not yet: open the link we mailed you",
    mfaEnabled: user.mfaEnabled ? "On" : "Off",
    tier: user.tier,
  };
  for (const field of section.querySelectorAll("[data-field]")) {
    field.textContent = values[field.dataset.field];
  }
}
section.hidden = false;
