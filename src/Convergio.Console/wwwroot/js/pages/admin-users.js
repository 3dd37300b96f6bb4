import { api, requireUser } from "../api.js";
import { bindForm, el, notify, showProblem } from "../forms.js";
import { fill, pager, query, time } from "../lists.js";

await requireUser();
const form = document.getElementById("user-search");
const rows = document.querySelector("#users tbody");
let search = { email: "", page: 1 };

function find(values) {
  return api("GET", `/api/v1/admin/users${query(values)}`);
}

function show(result) {
  fill(rows, result.data.items.map(row), "No users match.");
  pager(document.getElementById("users-pager"), result.data, (page) => load({ ...search, page }));
}

async function load(values) {
  const result = await find(values);
  if (!result.ok) {
    showProblem(form, result);
    return;
  }
  search = values;
  show(result);
}

function row(user) {
  const disabled = Boolean(user.disabledAt);
  return el("tr", { dataset: { userId: user.id } },
    el("td", {}, user.email, user.isPlatformAdmin ? el("span", { class: "badge", text: "Admin" }) : null),
    el("td", { text: user.fullName ?? "" }),
    el("td", {}, time(user.createdAt)),
    el("td", {}, disabled ? el("span", { class: "badge badge-danger", text: "Disabled" }) : "Active"),
    el("td", {}, el("button", {
      type: "button", class: `button button-small ${disabled ? "button-secondary" : "button-danger"}`, text: disabled ? "Enable" : "Disable",
      "aria-label": `${disabled ? "Enable" : "Disable"} ${user.email}`,
      onclick: async () => {
        const result = await api("POST", `/api/v1/admin/users/${encodeURIComponent(user.id)}/${disabled ? "enable" : "disable"}`);
        if (!result.ok) {
          showProblem(form, result);
          return;
        }
        notify(`${user.email} is ${disabled ? "enabled" : "disabled and signed out everywhere"}.`);
        await load(search);
      },
    })));
}

bindForm(form, async (values) => {
  const result = await find({ email: values.email, page: 1 });
  if (result.ok) {
    search = { email: values.email, page: 1 };
  }
  return result;
}, show);

await load(search);
