// Forms and DOM helpers shared by every console page (the contract in docs/console.md).
// Nothing here parses HTML: elements are created and filled with textContent.

/** Builds an element: attrs `class`, `text`, `dataset`, `on<event>` handlers, anything else via setAttribute. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (key === "class") {
      node.className = value;
    } else if (key === "text") {
      node.textContent = value;
    } else if (key === "dataset") {
      Object.assign(node.dataset, value);
    } else if (key.startsWith("on") && typeof value === "function") {
      node.addEventListener(key.slice(2).toLowerCase(), value);
    } else {
      node.setAttribute(key, value === true ? "" : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child !== undefined && child !== null && child !== false) {
      node.append(child instanceof Node ? child : String(child));
    }
  }
  return node;
}

/** Shows a message in the page's status region (read out by screen readers). */
export function notify(message) {
  const region = document.querySelector('main [role="status"]');
  if (region) {
    region.textContent = message;
  }
}

/**
 * On submit: collects the named inputs, calls `submit(values)` (an `api()` result), and shows its
 * problem next to the fields it names, or calls `onSuccess(result)`.
 */
export function bindForm(form, submit, onSuccess) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector('[type="submit"]');
    clearProblem(form);
    if (button) {
      button.disabled = true;
    }
    form.setAttribute("aria-busy", "true");
    try {
      const result = await submit(collect(form));
      if (result?.ok) {
        await onSuccess?.(result);
      } else if (result) {
        showProblem(form, result);
      }
    } finally {
      if (button) {
        button.disabled = false;
      }
      form.removeAttribute("aria-busy");
    }
  });
  // Pages serve their submit buttons disabled: a click before this ran would post the form, password
  // included, to the page itself instead of to the API.
  for (const button of form.querySelectorAll('[type="submit"]')) {
    button.disabled = false;
  }
}

/**
 * Turns a table row's name into a small form: `cell` shows an input labelled `label` holding `name`,
 * the row's `actions` are cleared; Save calls `save(newName)` (an `api()` result), then
 * `onSaved(result)`; Cancel calls `cancel()` (which redraws the row).
 */
export function renameInPlace({ id, label, name, cell, actions, save, onSaved, cancel }) {
  const form = el("form", { class: "inline-form", novalidate: true },
    el("div", { role: "alert", class: "form-error" }),
    el("div", { class: "field" },
      el("label", { for: id, text: label }),
      el("input", { id, name: "name", type: "text", value: name, maxlength: 100, required: true })),
    el("button", { type: "submit", class: "button button-small", text: "Save" }),
    el("button", { type: "button", class: "button button-secondary button-small", text: "Cancel", onclick: cancel }));
  cell.replaceChildren(form);
  actions.replaceChildren();
  bindForm(form, (values) => save(values.name), onSaved);
  form.elements.name.focus();
}

/** Shows an `api()` failure in `container`: field errors next to their inputs, the rest in its [role=alert]. */
export function showProblem(container, result) {
  clearProblem(container);
  const problem = result.problem ?? {};
  const unplaced = [];
  let firstInvalid = null;
  for (const [key, messages] of Object.entries(problem.errors ?? {})) {
    const text = [].concat(messages).join(" ");
    const input = inputNamed(container, key);
    if (!input) {
      unplaced.push(text);
      continue;
    }
    const id = `${input.name}-error`;
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", [input.getAttribute("aria-describedby"), id].filter(Boolean).join(" "));
    input.after(el("p", { class: "field-error", id, text }));
    firstInvalid ??= input;
  }

  let message;
  if (result.status === 429) {
    message = `Too many attempts. Try again in ${retryAfterSeconds(result.headers)} seconds.`;
  } else if (firstInvalid && unplaced.length === 0) {
    message = problem.detail && !problem.errors ? problem.detail : "Please correct the highlighted fields.";
  } else {
    message = [problem.detail ?? problem.title ?? "Something went wrong. Please try again.", ...unplaced].join(" ");
  }
  const alert = container.querySelector('[role="alert"]');
  if (alert) {
    alert.textContent = message;
  } else {
    notify(message);
  }
  firstInvalid?.focus();
}

function clearProblem(container) {
  for (const error of container.querySelectorAll(".field-error")) {
    const input = container.querySelector(`[aria-describedby~="${error.id}"]`);
    if (input) {
      const rest = input.getAttribute("aria-describedby").split(" ").filter((id) => id !== error.id);
      rest.length ? input.setAttribute("aria-describedby", rest.join(" ")) : input.removeAttribute("aria-describedby");
      input.removeAttribute("aria-invalid");
    }
    error.remove();
  }
  const alert = container.querySelector('[role="alert"]');
  if (alert) {
    alert.textContent = "";
  }
}

function collect(form) {
  const values = {};
  for (const input of form.elements) {
    if (!input.name || input.disabled || input.type === "submit" || input.type === "button") {
      continue;
    }
    if (input.type === "checkbox") {
      values[input.name] = input.checked;
    } else if (input.type === "radio") {
      if (input.checked) {
        values[input.name] = input.value;
      }
    } else if (input.dataset.type === "number") {
      values[input.name] = input.value === "" ? null : Number(input.value);
    } else {
      values[input.name] = input.value;
    }
  }
  return values;
}

function inputNamed(container, key) {
  const wanted = key.toLowerCase();
  return [...container.querySelectorAll("[name]")].find((input) => input.name.toLowerCase() === wanted) ?? null;
}

function retryAfterSeconds(headers) {
  const value = headers?.get("Retry-After");
  if (!value) {
    return 60;
  }
  const seconds = Number(value);
  if (Number.isFinite(seconds)) {
    return Math.max(1, Math.ceil(seconds));
  }
  return Math.max(1, Math.ceil((Date.parse(value) - Date.now()) / 1000)) || 60;
}
