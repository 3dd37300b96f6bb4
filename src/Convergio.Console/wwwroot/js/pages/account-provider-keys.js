import { api, requireUser } from "../api.js";
import { bindForm, el, notify, showProblem } from "../forms.js";
import { fill, time } from "../lists.js";

await requireUser();
const card = document.getElementById("keys-card");
const rows = document.querySelector("#keys tbody");
const form = document.getElementById("add-key-form");
const providerNames = Object.fromEntries([...form.elements.provider.options].map((o) => [o.value, o.textContent]));

async function load() {
  const result = await api("GET", "/api/v1/user-keys");
  if (!result.ok) {
    showProblem(card, result);
    return;
  }
  fill(rows, result.data.map(row), "No provider keys yet.");
}

function row(key) {
  const name = `${providerNames[key.provider] ?? key.provider} key ${key.label ?? ""} ending in ${key.last4}`;
  return el("tr", {},
    el("td", { text: providerNames[key.provider] ?? key.provider }),
    el("td", { text: key.label ?? "" }),
    el("td", { class: "secret", text: `…${key.last4}` }),
    el("td", {}, time(key.createdAt)),
    el("td", {}, time(key.lastUsedAt)),
    el("td", {}, el("button", {
      type: "button", class: "button button-secondary button-small", text: "Delete", "aria-label": `Delete ${name}`,
      onclick: async () => {
        const result = await api("DELETE", `/api/v1/user-keys/${encodeURIComponent(key.id)}`);
        if (!result.ok) {
          showProblem(card, result);
          return;
        }
        notify(`The ${name} is deleted.`);
        await load();
      },
    })));
}

bindForm(form, (values) => api("POST", "/api/v1/user-keys", values), async (result) => {
  form.reset();
  notify(`The key ending in ${result.data.last4} is stored.`);
  await load();
});

await load();
