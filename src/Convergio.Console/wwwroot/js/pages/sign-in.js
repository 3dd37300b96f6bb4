import { api, refreshCsrf } from "../api.js";
import { bindForm, showProblem } from "../forms.js";
import { replace, returnUrl } from "../page.js";
import { getAssertion } from "../webauthn.js";

const passwordForm = document.getElementById("password-form");
const codeForm = document.getElementById("second-factor-form");
const recoveryForm = document.getElementById("recovery-form");
const passkey = document.getElementById("passkey");

async function signedIn() {
  await refreshCsrf();
  location.assign(returnUrl());
}

bindForm(passwordForm, (values) => api("POST", "/api/v1/auth/login", { email: values.email, password: values.password }), async (result) => {
  if (result.data?.mfaRequired) {
    // The password opened a pending session: its CSRF token is a new one.
    await refreshCsrf();
    passkey.hidden = true;
    replace(passwordForm, codeForm);
    codeForm.querySelector("input").focus();
  } else {
    await signedIn();
  }
});
bindForm(codeForm, (values) => api("POST", "/api/v1/auth/mfa/verify", { code: values.code }), signedIn);
bindForm(recoveryForm, (values) => api("POST", "/api/v1/auth/mfa/verify", { recoveryCode: values.recoveryCode }), signedIn);

document.getElementById("use-recovery").addEventListener("click", () => {
  replace(codeForm, recoveryForm);
  recoveryForm.querySelector("input").focus();
});
document.getElementById("use-code").addEventListener("click", () => {
  replace(recoveryForm, codeForm);
  codeForm.querySelector("input").focus();
});

const passkeyButton = document.getElementById("passkey-sign-in");
if (!globalThis.PublicKeyCredential) {
  passkey.hidden = true;
}
passkeyButton.addEventListener("click", async () => {
  passkeyButton.disabled = true;
  try {
    const options = await api("POST", "/api/v1/auth/passkeys/login/options");
    if (!options.ok) {
      showProblem(passkey, options);
      return;
    }
    const assertion = await getAssertion(options.data);
    if (!assertion) {
      showProblem(passkey, { status: 0, problem: { title: "No passkey was used. Try again, or sign in with your password." } });
      return;
    }
    const result = await api("POST", "/api/v1/auth/passkeys/login/complete", assertion);
    if (result.ok) {
      await signedIn();
    } else {
      showProblem(passkey, result);
    }
  } finally {
    passkeyButton.disabled = false;
  }
});
