import { api, requireUser } from "../api.js";
import { bindForm, el, notify, showProblem } from "../forms.js";
import { fill } from "../lists.js";

await requireUser();
const card = document.getElementById("orgs-card");
const rows = document.querySelector("#orgs tbody");
const form = document.getElementById("create-org-form");

async function load() {
  const result = await api("GET", "/api/v1/orgs");
  if (!result.ok) {
    showProblem(card, result);
    return;
  }
  fill(rows, result.data.map((org) => el("tr", {},
    el("td", {}, el("a", { href: `/orgs/${encodeURIComponent(org.id)}`, text: org.name })),
    el("td", { text: org.slug }),
    el("td", { text: org.role }),
    el("td", { text: org.tier }))), "You are not in any organization yet. Create one below, or accept an invitation.");
}

bindForm(form, (values) => api("POST", "/api/v1/orgs", { name: values.name, slug: values.slug || null }), async (result) => {
  form.reset();
  notify(`Organization ${result.data.name} is created.`);
  await load();
});

await load();
