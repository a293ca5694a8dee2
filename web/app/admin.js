// The platform administrators' page of the dashboard: search users and
// handles, disable and enable users, suspend and reinstate handles. Shown
// only to platform administrators (the API refuses everyone else anyway).

import { $, api, state } from "./api.js";
import { clearBox, showError } from "./ui.js";

// loadAdmin shows the admin page to a platform administrator.
export async function loadAdmin() {
  const admin = !!(state.user && state.user.isAdmin);
  $("admin-section").hidden = !admin;
  if (admin) await Promise.all([loadUsers(), loadHandles()]);
}

function cellText(tr, value, tag) {
  const c = document.createElement(tag || "td");
  if (tag === "th") c.scope = "row";
  c.textContent = value;
  tr.appendChild(c);
  return c;
}

// stateCell shows a state, flagged when it is not the normal one.
function stateCell(tr, value, bad, className) {
  const c = document.createElement("td");
  const span = document.createElement("span");
  span.className = className + (bad ? " tag tag-bad" : "");
  span.textContent = value;
  c.appendChild(span);
  tr.appendChild(c);
}

function action(tr, label, className, onClick) {
  const c = document.createElement("td");
  c.className = "actions";
  const b = document.createElement("button");
  b.type = "button";
  b.className = className;
  b.textContent = label;
  b.addEventListener("click", onClick);
  c.appendChild(b);
  tr.appendChild(c);
}

async function loadUsers() {
  const q = $("admin-user-q").value.trim();
  try {
    const data = await api("GET", "/v2/platform-admin/users?limit=50" + (q ? "&q=" + encodeURIComponent(q) : ""));
    const body = $("admin-users-body");
    body.replaceChildren();
    for (const u of data.users || []) {
      const tr = document.createElement("tr");
      tr.dataset.userId = u.id;
      cellText(tr, u.email, "th");
      cellText(tr, u.plan);
      stateCell(tr, u.disabled ? "disabled" : "active", u.disabled, "user-state");
      if (u.id !== state.user.id) {
        const verb = u.disabled ? "enable" : "disable";
        action(tr, u.disabled ? "Enable" : "Disable", "btn admin-user-toggle", () => act("/v2/platform-admin/users/" + encodeURIComponent(u.id) + "/" + verb, loadUsers));
      } else {
        cellText(tr, "you").className = "muted";
      }
      body.appendChild(tr);
    }
  } catch (err) {
    showError($("admin-error"), err);
  }
}

async function loadHandles() {
  const q = $("admin-handle-q").value.trim();
  try {
    const data = await api("GET", "/v2/platform-admin/handles?limit=50" + (q ? "&q=" + encodeURIComponent(q) : ""));
    const body = $("admin-handles-body");
    body.replaceChildren();
    for (const h of data.handles || []) {
      const tr = document.createElement("tr");
      tr.dataset.handle = h.handle;
      cellText(tr, "@" + h.handle, "th");
      cellText(tr, h.ownerEmail);
      stateCell(tr, h.suspended ? "suspended" : "active", h.suspended, "handle-state");
      const verb = h.suspended ? "unsuspend" : "suspend";
      action(tr, h.suspended ? "Reinstate" : "Suspend", "btn admin-handle-toggle", () => act("/v2/platform-admin/handles/" + encodeURIComponent(h.handle) + "/" + verb, loadHandles));
      body.appendChild(tr);
    }
  } catch (err) {
    showError($("admin-error"), err);
  }
}

async function act(path, reload) {
  clearBox($("admin-error"));
  try {
    await api("POST", path);
  } catch (err) {
    showError($("admin-error"), err);
  }
  await reload();
}

// setupAdminPage wires the admin page's search forms once.
export function setupAdminPage() {
  $("admin-user-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    loadUsers();
  });
  $("admin-handle-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    loadHandles();
  });
}
