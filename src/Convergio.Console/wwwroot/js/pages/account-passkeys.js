import { api, requireUser } from "../api.js";
import { bindForm, el, notify, renameInPlace, showProblem } from "../forms.js";
import { fill, time } from "../lists.js";
import { createCredential } from "../webauthn.js";

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
  const nameCell = el("td", { text: passkey.name });
  const actions = el("td", {},
    el("button", {
      type: "button", class: "button button-secondary button-small", text: "Rename", "aria-label": `Rename passkey ${passkey.name}`,
      onclick: () => renameInPlace({
        id: `rename-${passkey.id}`, label: `New name for ${passkey.name}`, name: passkey.name, cell: nameCell, actions,
        save: (name) => api("PATCH", `/api/v1/auth/passkeys/${encodeURIComponent(passkey.id)}`, { name }),
        onSaved: async (result) => {
          notify(`The passkey is renamed ${result.data.name}.`);
          await load();
        },
        cancel: () => load(),
      }),
    }),
    el("button", {
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
    }));
  return el("tr", {}, nameCell, el("td", {}, time(passkey.createdAt)), el("td", {}, time(passkey.lastUsedAt)),
    el("td", { text: passkey.isBackedUp ? "Yes" : "No" }), actions);
}

bindForm(form, async (values) => {
  const options = await api("POST", "/api/v1/auth/passkeys/register/options");
  if (!options.ok) {
    return options;
  }
  const credential = await createCredential(options.data);
  if (!credential) {
    return { ok: false, status: 0, problem: { detail: "No passkey was created: the browser's prompt was cancelled or is not available." } };
  }
  return api("POST", "/api/v1/auth/passkeys/register/complete", { name: values.name, credential });
}, async (result) => {
  form.reset();
  notify(`Passkey ${result.data.name} is added.`);
  await load();
});

await load();
