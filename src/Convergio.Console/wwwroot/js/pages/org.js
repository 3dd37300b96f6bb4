import { api, requireUser } from "../api.js";
import { bindForm, el, notify, renameInPlace, showProblem } from "../forms.js";
import { fill, time } from "../lists.js";

const me = await requireUser();
const orgId = location.pathname.split("/")[2];
const base = `/api/v1/orgs/${encodeURIComponent(orgId)}`;
const roles = ["viewer", "member", "admin", "owner"];
const membersCard = document.getElementById("members-card");
const invitesCard = document.getElementById("invites-card");
const projectsCard = document.getElementById("projects-card");

const org = await api("GET", base);
if (!org.ok) {
  showProblem(membersCard, org);
  throw new Error("The organization could not be loaded.");
}
const manager = org.data.role === "admin" || org.data.role === "owner";
const editor = manager || org.data.role === "member";
document.title = `${org.data.name} · Convergio`;
document.getElementById("org-name").textContent = org.data.name;
document.getElementById("org-slug").textContent = org.data.slug;
document.getElementById("org-role").textContent = org.data.role;
invitesCard.hidden = !manager;
document.getElementById("project-form").hidden = !editor;

async function loadMembers() {
  const result = await api("GET", `${base}/members?pageSize=100`);
  if (!result.ok) {
    showProblem(membersCard, result);
    return;
  }
  fill(document.querySelector("#members tbody"), result.data.items.map(memberRow), "No members.");
}

function memberRow(member) {
  const who = member.fullName || member.email;
  const self = member.userId === me.id;
  const role = manager && !self
    ? el("select", { "aria-label": `Role of ${member.email}`, onchange: (event) => changeRole(member, event.currentTarget) },
      ...roles.map((r) => el("option", { value: r, text: r, selected: r === member.role })))
    : el("span", { text: member.role });
  return el("tr", { dataset: { userId: member.userId } },
    el("td", {}, who, self ? el("span", { class: "badge", text: "You" }) : null),
    el("td", { text: member.email }),
    el("td", {}, role),
    el("td", {}, time(member.joinedAt)),
    el("td", {}, manager || self ? el("button", {
      type: "button", class: "button button-secondary button-small", text: self ? "Leave" : "Remove",
      "aria-label": self ? "Leave this organization" : `Remove ${member.email}`,
      onclick: () => removeMember(member, who, self),
    }) : null));
}

async function changeRole(member, select) {
  const result = await api("PATCH", `${base}/members/${encodeURIComponent(member.userId)}`, { role: select.value });
  if (!result.ok) {
    showProblem(membersCard, result);
    select.value = member.role;
    return;
  }
  member.role = result.data.role;
  notify(`${member.fullName || member.email} is now ${member.role}.`);
}

async function removeMember(member, who, self) {
  const result = await api("DELETE", `${base}/members/${encodeURIComponent(member.userId)}`);
  if (!result.ok) {
    showProblem(membersCard, result);
    return;
  }
  if (self) {
    location.assign("/orgs");
    return;
  }
  notify(`${who} is removed from the organization.`);
  await loadMembers();
}

async function loadInvites() {
  const result = await api("GET", `${base}/invites?pageSize=100`);
  if (!result.ok) {
    showProblem(invitesCard, result);
    return;
  }
  fill(document.querySelector("#invites tbody"), result.data.items.map((invite) => el("tr", {},
    el("td", { text: invite.email }),
    el("td", { text: invite.role }),
    el("td", {}, time(invite.createdAt)),
    el("td", {}, time(invite.expiresAt)),
    el("td", {}, el("button", {
      type: "button", class: "button button-secondary button-small", text: "Revoke", "aria-label": `Revoke the invitation to ${invite.email}`,
      onclick: async () => {
        const revoked = await api("DELETE", `${base}/invites/${encodeURIComponent(invite.id)}`);
        if (!revoked.ok) {
          showProblem(invitesCard, revoked);
          return;
        }
        notify(`The invitation to ${invite.email} is revoked.`);
        await loadInvites();
      },
    })))), "No pending invitations.");
}

const inviteForm = document.getElementById("invite-form");
bindForm(inviteForm, (values) => api("POST", `${base}/invites`, values), async (result) => {
  inviteForm.reset();
  notify(`An invitation is on its way to ${result.data.email}.`);
  await loadInvites();
});

async function loadProjects() {
  const result = await api("GET", `${base}/projects?pageSize=100`);
  if (!result.ok) {
    showProblem(projectsCard, result);
    return;
  }
  fill(document.querySelector("#projects tbody"), result.data.items.map(projectRow), "No projects yet.");
}

function projectRow(project) {
  const nameCell = el("td", { text: project.name });
  const actions = el("td", {});
  // Members rename; deleting takes an admin (the API's rule, mirrored so no button only fails).
  if (editor) {
    actions.append(el("button", { type: "button", class: "button button-secondary button-small", text: "Rename", "aria-label": `Rename project ${project.name}`, onclick: () => rename(project, nameCell, actions) }));
  }
  if (manager) {
    actions.append(el("button", { type: "button", class: "button button-secondary button-small", text: "Delete", "aria-label": `Delete project ${project.name}`, onclick: () => deleteProject(project) }));
  }
  return el("tr", {}, nameCell, el("td", { text: project.description ?? "" }), el("td", {}, time(project.updatedAt)), actions);
}

function rename(project, nameCell, actions) {
  renameInPlace({
    id: `rename-${project.id}`, label: `New name for ${project.name}`, name: project.name, cell: nameCell, actions,
    save: (name) => api("PATCH", `${base}/projects/${encodeURIComponent(project.id)}`, { name }),
    onSaved: async (result) => {
      notify(`The project is renamed ${result.data.name}.`);
      await loadProjects();
    },
    cancel: () => loadProjects(),
  });
}

async function deleteProject(project) {
  const result = await api("DELETE", `${base}/projects/${encodeURIComponent(project.id)}`);
  if (!result.ok) {
    showProblem(projectsCard, result);
    return;
  }
  notify(`Project ${project.name} is deleted.`);
  await loadProjects();
}

const projectForm = document.getElementById("project-form");
bindForm(projectForm, (values) => api("POST", `${base}/projects`, { name: values.name, description: values.description || null }), async (result) => {
  projectForm.reset();
  notify(`Project ${result.data.name} is created.`);
  await loadProjects();
});

await Promise.all([loadMembers(), manager ? loadInvites() : null, loadProjects()]);
