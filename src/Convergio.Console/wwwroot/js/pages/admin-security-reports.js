import { api, requireUser } from "../api.js";
import { bindForm, el, notify, showProblem } from "../forms.js";
import { fill, pager, query, time } from "../lists.js";

await requireUser();
const form = document.getElementById("report-filter");
const rows = document.querySelector("#reports tbody");
// The moves the disclosure policy allows from each status (SecurityReportStatuses on the API).
const next = {
  received: ["acknowledged", "triaged", "rejected"],
  acknowledged: ["triaged", "rejected"],
  triaged: ["fixed", "rejected"],
  fixed: ["disclosed"],
};
let filter = { status: "", page: 1 };

function list(values) {
  return api("GET", `/api/v1/admin/security-reports${query(values)}`);
}

function show(result) {
  fill(rows, result.data.items.map(row), "No reports.");
  pager(document.getElementById("reports-pager"), result.data, (page) => load({ ...filter, page }));
}

async function load(values) {
  const result = await list(values);
  if (!result.ok) {
    showProblem(form, result);
    return;
  }
  filter = values;
  show(result);
}

function row(report) {
  const moves = next[report.status] ?? [];
  const id = `status-${report.id}`;
  const change = moves.length === 0 ? el("span", { class: "muted", text: "Final" }) : el("div", { class: "inline-form" },
    el("label", { for: id, class: "muted", text: "New status" }),
    el("select", { id }, ...moves.map((status) => el("option", { value: status, text: status }))),
    el("button", {
      type: "button", class: "button button-small", text: "Set", "aria-label": `Set the status of the report on ${report.affectedComponent}`,
      onclick: async () => {
        const status = document.getElementById(id).value;
        const result = await api("PATCH", `/api/v1/admin/security-reports/${encodeURIComponent(report.id)}`, { status });
        if (!result.ok) {
          showProblem(form, result);
          return;
        }
        notify(`The report on ${report.affectedComponent} is ${result.data.status}.`);
        await load(filter);
      },
    }));
  return el("tr", { dataset: { reportId: report.id } },
    el("td", {}, time(report.receivedAt)),
    el("td", { title: report.impact, text: report.affectedComponent }),
    el("td", { text: report.assessedSeverity ?? report.severity ?? "—" }),
    el("td", {}, report.status, report.overdue ? el("span", { class: "badge badge-danger", text: "Overdue" }) : null),
    el("td", {}, report.acknowledgedAt ? el("span", { class: "muted", text: "Done" }) : time(report.ackDueAt)),
    el("td", {}, report.triagedAt ? el("span", { class: "muted", text: "Done" }) : time(report.triageDueAt)),
    el("td", {}, change));
}

bindForm(form, async (values) => {
  const wanted = { status: values.status, page: 1 };
  const result = await list(wanted);
  if (result.ok) {
    filter = wanted;
    show(result);
  }
  return result;
});

await load(filter);
