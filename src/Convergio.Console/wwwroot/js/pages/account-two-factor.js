import { api, refreshCsrf, requireUser } from "../api.js";
import { bindForm, el, notify, showProblem } from "../forms.js";
import { replace } from "../page.js";

const user = await requireUser();
const sections = Object.fromEntries(["off", "setup", "codes", "on"].map((id) => [id, document.getElementById(id)]));
sections[user.mfaEnabled ? "on" : "off"].hidden = false;

const start = document.getElementById("start-setup");
start.addEventListener("click", async () => {
  start.disabled = true;
  const result = await api("POST", "/api/v1/auth/mfa/totp/setup");
  start.disabled = false;
  if (!result.ok) {
    showProblem(sections.off, result);
    return;
  }
  document.getElementById("qr").src = result.data.qrCodeDataUrl;
  document.getElementById("secret").textContent = result.data.secret;
  replace(sections.off, sections.setup);
});

bindForm(document.getElementById("confirm-form"), (values) => api("POST", "/api/v1/auth/mfa/totp/confirm", values), async (result) => {
  // Confirming upgrades the session under a new token, and the CSRF token with it.
  await refreshCsrf();
  showCodes(sections.setup, result.data.recoveryCodes);
});

bindForm(document.getElementById("regenerate-form"), (values) => api("POST", "/api/v1/auth/mfa/recovery-codes", values),
  (result) => showCodes(sections.on, result.data.recoveryCodes));

bindForm(document.getElementById("disable-form"), (values) => api("DELETE", "/api/v1/auth/mfa/totp", values), () => {
  sections.on.hidden = true;
  sections.off.hidden = false;
  notify("Two-factor authentication is off.");
});

let shownCodes = [];
document.getElementById("copy-codes").addEventListener("click", async () => {
  try {
    await navigator.clipboard.writeText(shownCodes.join("\n"));
    notify("The recovery codes are copied.");
  } catch {
    notify("Copying is not allowed here; download the codes instead.");
  }
});

/** Shows the recovery codes this once, with ways to keep them: copy to the clipboard or download as text. */
function showCodes(from, codes) {
  document.getElementById("recovery-codes").replaceChildren(...codes.map((code) => el("li", { text: code })));
  const text = `Convergio recovery codes for ${user.email}\n\n${codes.join("\n")}\n`;
  document.getElementById("download-codes").href = URL.createObjectURL(new Blob([text], { type: "text/plain" }));
  shownCodes = codes;
  for (const input of document.querySelectorAll("#confirm-form input, #regenerate-form input, #disable-form input")) {
    input.value = "";
  }
  replace(from, sections.codes, "Two-factor authentication is on. Save your recovery codes now.");
}
