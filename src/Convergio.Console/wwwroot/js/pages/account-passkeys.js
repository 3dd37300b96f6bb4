import { api, requireUser } from "../api.js";
import { bindForm, el, notify, showProblem } from "../forms.js";
import { fill, time } from "../lists.js";
import { fromBase64Url, toBase64Url } from "../webauthn.js";

await requireUser();
const card = document.getElementById("passkeys-card");
const rows = document.querySelector("#passkeys tbody");
const form = document.getElementById("add-passkey-form");

async function load() {
  const result = await api("GET", "/api/v1/auth/passkeys");
  if (!result.ok) {
    showProblem(card, result);
    return;
  }
  fill(rows, result.data.map(row), "No passkeys yet.");
}

function row(passkey) {
  return el("tr", {},
    el("td", { text: passkey.name }),
    el("td", {}, time(passkey.createdAt)),
    el("td", {}, time(passkey.lastUsedAt)),
    el("td", { text: passkey.isBackedUp ? "Yes" : "No" }),
    el("td", {}, el("button", {
      type: "button", class: "button button-secondary button-small", text: "Remove", "aria-label": `Remove passkey ${passkey.name}`,
      onclick: async () => {
        const result = await api("DELETE", `/api/v1/auth/passkeys/${encodeURIComponent(passkey.id)}`);
        if (!result.ok) {
          showProblem(card, result);
          return;
        }
        notify(`Passkey ${passkey.name} is removed.`);
        await load();
      },
    })));
}

bindForm(form, async (values) => {
  const options = await api("POST", "/api/v1/auth/passkeys/register/options");
  if (!options.ok) {
    return options;
  }
  const credential = await create(options.data);
  if (!credential) {
    return { ok: false, status: 0, problem: { detail: "No passkey was created: the browser's prompt was cancelled or is not available." } };
  }
  return api("POST", "/api/v1/auth/passkeys/register/complete", { name: values.name, credential });
}, async (result) => {
  form.reset();
  notify(`Passkey ${result.data.name} is added.`);
  await load();
});

/** Asks the browser to create a credential with the API's options; the attestation as the API reads it, or null. */
async function create(options) {
  const publicKey = withoutNulls({
    ...options,
    challenge: fromBase64Url(options.challenge),
    user: { ...options.user, id: fromBase64Url(options.user.id) },
    excludeCredentials: (options.excludeCredentials ?? []).map((c) => ({ ...c, id: fromBase64Url(c.id) })),
  });
  let credential;
  try {
    credential = await navigator.credentials.create({ publicKey });
  } catch {
    return null;
  }
  const response = credential.response;
  return {
    id: credential.id,
    rawId: toBase64Url(credential.rawId),
    type: credential.type,
    clientExtensionResults: credential.getClientExtensionResults(),
    response: {
      attestationObject: toBase64Url(response.attestationObject),
      clientDataJSON: toBase64Url(response.clientDataJSON),
      transports: response.getTransports?.() ?? [],
    },
  };
}

/** The API sends absent members as null; the browser wants them left out (null is no valid enum value). */
function withoutNulls(value) {
  if (value === null || typeof value !== "object" || ArrayBuffer.isView(value) || Array.isArray(value)) {
    return Array.isArray(value) ? value.map(withoutNulls) : value;
  }
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, withoutNulls(v)]));
}

await load();
