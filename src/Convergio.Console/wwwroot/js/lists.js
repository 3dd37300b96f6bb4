// Tables, dates and paging shared by the account, organization and admin pages.
import { el } from "./forms.js";

/** A `<time>` element showing an ISO timestamp in the reader's locale (or a dash when absent). */
export function time(iso) {
  if (!iso) {
    return el("span", { class: "muted", text: "—" });
  }
  const date = new Date(iso);
  return el("time", { datetime: date.toISOString(), text: date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" }) });
}

/** Replaces the rows of `tbody`; with none, one row spanning the table that says `empty`. */
export function fill(tbody, rows, empty) {
  if (rows.length === 0) {
    const columns = tbody.closest("table").querySelectorAll("thead th").length;
    tbody.replaceChildren(el("tr", {}, el("td", { colspan: columns, class: "empty", text: empty })));
  } else {
    tbody.replaceChildren(...rows);
  }
}

/** A query string of the non-empty values (`?a=1&b=x`), or "". */
export function query(values) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined && value !== null && value !== "") {
      params.set(key, value);
    }
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** Shows "Page N of M" with previous/next buttons in `container` for a PagedList; `go(page)` loads another page. */
export function pager(container, list, go) {
  const pages = Math.max(1, Math.ceil(list.total / list.pageSize));
  container.replaceChildren(
    el("button", { type: "button", class: "button button-secondary button-small", text: "Previous page", disabled: list.page <= 1, onclick: () => go(list.page - 1) }),
    el("span", { text: `Page ${list.page} of ${pages} (${list.total} in all)` }),
    el("button", { type: "button", class: "button button-secondary button-small", text: "Next page", disabled: list.page >= pages, onclick: () => go(list.page + 1) }));
}

/** A short name for a browser's User-Agent: "Chrome on Linux", or "Unknown device". */
export function device(userAgent) {
  if (!userAgent) {
    return "Unknown device";
  }
  const browsers = [["Edg/", "Edge"], ["OPR/", "Opera"], ["Firefox/", "Firefox"], ["Chrome/", "Chrome"], ["Safari/", "Safari"], ["curl/", "curl"]];
  const systems = [["Android", "Android"], ["iPhone", "iOS"], ["iPad", "iPadOS"], ["Windows", "Windows"], ["Mac OS X", "macOS"], ["CrOS", "ChromeOS"], ["Linux", "Linux"]];
  const browser = browsers.find(([token]) => userAgent.includes(token))?.[1] ?? "Browser";
  const system = systems.find(([token]) => userAgent.includes(token))?.[1];
  return system ? `${browser} on ${system}` : browser;
}
