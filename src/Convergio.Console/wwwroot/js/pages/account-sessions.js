import { api, requireUser } from "../api.js";
import { el, notify, showProblem } from "../forms.js";
import { device, fill, time } from "../lists.js";

await requireUser();
const card = document.getElementById("sessions-card");
const rows = document.querySelector("#sessions tbody");

async function load() {
  const result = await api("GET", "/api/v1/auth/sessions");
  if (!result.ok) {
    showProblem(card, result);
    return;
  }
  fill(rows, result.data.map(row), "No sessions.");
}

function row(session) {
  const name = device(session.userAgent);
  return el("tr", { dataset: { sessionId: session.id } },
    el("td", { title: session.userAgent ?? "" }, name, session.current ? el("span", { class: "badge", text: "This device" }) : null),
    el("td", { text: session.ip ?? "—" }),
    el("td", {}, time(session.createdAt)),
    el("td", {}, time(session.lastSeenAt)),
    el("td", {}, session.current ? null : el("button", {
      type: "button", class: "button button-secondary button-small", text: "Revoke",
      "aria-label": `Revoke the session on ${name} from ${session.ip ?? "an unknown address"}`,
      onclick: () => revoke(session, name),
    })));
}

async function revoke(session, name) {
  const result = await api("DELETE", `/api/v1/auth/sessions/${encodeURIComponent(session.id)}`);
  if (!result.ok && result.status !== 404) {
    showProblem(card, result);
    return;
  }
  notify(`The session on ${name} is signed out.`);
  await load();
}

document.getElementById("revoke-others").addEventListener("click", async () => {
  const result = await api("POST", "/api/v1/auth/sessions/revoke-others");
  if (!result.ok) {
    showProblem(card, result);
    return;
  }
  notify("Every other session is signed out.");
  await load();
});

await load();
