import { api, apiUrl, requireUser } from "../api.js";
import { bindForm, el, showProblem } from "../forms.js";
import { fill, pager, query, time } from "../lists.js";

await requireUser();
const form = document.getElementById("audit-filter");
const rows = document.querySelector("#audit tbody");
const exportLink = document.getElementById("export-csv");
const pageSize = 25;
let filter = {};

/** The form's values as the API's query: empty fields left out, local date-times as UTC instants. */
function filterOf(values) {
  const instant = (local) => (local ? new Date(local).toISOString() : "");
  return { action: values.action.trim(), actor: values.actor.trim(), org: values.org.trim(), from: instant(values.from), to: instant(values.to) };
}

function search(values, page) {
  return api("GET", `/api/v1/admin/audit${query({ ...values, page, pageSize })}`);
}

function show(values, result) {
  filter = values;
  // The export covers the same period (the API exports by period only).
  exportLink.href = apiUrl(`/api/v1/admin/audit/export${query({ format: "csv", from: values.from, to: values.to })}`);
  fill(rows, result.data.items.map((event) => el("tr", {},
    el("td", {}, time(event.occurredAt)),
    el("td", { text: event.action }),
    el("td", { text: event.outcome }),
    el("td", { class: "secret", text: event.actorUserId ?? "—" }),
    el("td", { text: event.targetType ? `${event.targetType} ${event.targetId ?? ""}` : "—" }),
    el("td", { text: event.ip ?? "—" }))), "No events match.");
  pager(document.getElementById("audit-pager"), result.data, async (page) => {
    const next = await search(filter, page);
    next.ok ? show(filter, next) : showProblem(form, next);
  });
}

bindForm(form, async (values) => {
  const wanted = filterOf(values);
  const result = await search(wanted, 1);
  if (result.ok) {
    show(wanted, result);
  }
  return result;
});

const first = await search(filter, 1);
first.ok ? show(filter, first) : showProblem(form, first);
