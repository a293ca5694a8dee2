// The account page of the dashboard: the signed-in user's plan (and the
// way to pay for another) and their custom domains, with the DNS TXT
// record each one needs and its status. Everything that came from the API
// goes on the page with textContent.

import { $, api, state } from "./api.js";
import { busy, button, clearBox, fieldError, idle, setInvalid, showError } from "./ui.js";

// loadAccount fills the account page for the signed-in user.
export async function loadAccount() {
  fillOwnedHandles();
  await Promise.all([loadPlan(), loadDomains()]);
}

async function loadPlan() {
  const box = $("plan-error");
  clearBox(box);
  let s;
  try {
    s = await api("GET", "/v2/billing/summary");
  } catch (err) {
    showError(box, err);
    return;
  }
  $("plan-name").textContent = s.plan;
  const limit = s.limits && s.limits.writesPerDay;
  $("plan-usage").textContent = !s.plansEnabled
    ? "Plans are off on this server: every feature is yours and nothing is counted."
    : (limit ? s.usage.writesToday + " of " + limit + " writes used today (UTC)." : s.usage.writesToday + " writes today; no daily limit.");
  const upgrade = $("plan-upgrade");
  upgrade.hidden = !s.checkoutAvailable || s.plan !== "FREE";
}

async function onUpgrade() {
  const button = $("plan-upgrade");
  busy(button, "Opening checkout…");
  try {
    const co = await api("POST", "/v2/billing/checkout-session", { body: { plan: "PRO" } });
    location.assign(co.url);
  } catch (err) {
    showError($("plan-error"), err);
  } finally {
    idle(button);
  }
}

// ---------------------------------------------------------------------
// Domains.

function fillOwnedHandles() {
  const select = $("domain-handle");
  select.replaceChildren();
  for (const h of state.handles.filter((x) => x.role === "OWNER")) {
    const opt = document.createElement("option");
    opt.value = h.handle;
    opt.textContent = "@" + h.handle;
    select.appendChild(opt);
  }
  $("domain-form").hidden = select.options.length === 0;
  $("domain-no-owned").hidden = select.options.length !== 0;
}

async function loadDomains() {
  const box = $("domains-error");
  clearBox(box);
  try {
    const data = await api("GET", "/v2/account/domains?limit=100");
    renderDomains(Array.isArray(data.domains) ? data.domains : []);
  } catch (err) {
    showError(box, err);
  }
}

function text(tag, value, className) {
  const el = document.createElement(tag);
  el.textContent = value;
  if (className) el.className = className;
  return el;
}

function renderDomains(list) {
  const body = $("domains-body");
  body.replaceChildren();
  for (const d of list) {
    const tr = document.createElement("tr");
    tr.dataset.domain = d.domain;
    const name = document.createElement("th");
    name.scope = "row";
    name.append(text("span", d.domain, "token-name"), text("span", "→ @" + d.defaultHandle, "muted"));
    const status = document.createElement("td");
    status.append(text("span", d.status, d.status === "ACTIVE" ? "tag tag-good domain-status" : "tag domain-status"));
    if (d.status !== "ACTIVE" && d.reason) status.append(text("p", d.reason, "hint domain-reason"));
    const record = document.createElement("td");
    record.append(text("p", "TXT " + d.verification.txtName, "hint"), text("code", d.verification.txtValue, "domain-txt"));
    const actions = document.createElement("td");
    actions.className = "actions";
    if (d.status !== "ACTIVE") actions.append(button("Check DNS", "domain-check", () => reconcile(d.domain)));
    actions.append(button("Remove", "btn-danger-quiet domain-remove", () => removeDomain(d.domain)));
    tr.append(name, status, record, actions);
    body.appendChild(tr);
  }
  $("domains-table").hidden = list.length === 0;
  $("domains-status").textContent = list.length === 0 ? "You have no custom domains." : "";
}

async function reconcile(domain) {
  clearBox($("domains-error"));
  try {
    await api("POST", "/v2/account/domains/" + encodeURIComponent(domain) + "/reconcile");
  } catch (err) {
    showError($("domains-error"), err);
  }
  await loadDomains();
}

async function removeDomain(domain) {
  clearBox($("domains-error"));
  try {
    await api("DELETE", "/v2/account/domains/" + encodeURIComponent(domain));
  } catch (err) {
    showError($("domains-error"), err);
  }
  await loadDomains();
}

async function onAddDomain(ev) {
  ev.preventDefault();
  const input = $("domain-name");
  const box = $("domains-error");
  clearBox(box);
  setInvalid(input, false);
  const domain = input.value.trim().toLowerCase();
  if (!domain) return fieldError(box, input, "Enter a domain name, such as links.example.com.");
  const submit = $("domain-submit");
  busy(submit, "Adding…");
  try {
    await api("POST", "/v2/account/domains", { body: { domain, defaultHandle: $("domain-handle").value } });
    input.value = "";
    await loadDomains();
  } catch (err) {
    showError(box, err);
    if (err.field === "domain") setInvalid(input, true);
  } finally {
    idle(submit);
  }
}

// setupAccountPage wires the account page's controls once.
export function setupAccountPage() {
  $("domain-form").addEventListener("submit", onAddDomain);
  $("plan-upgrade").addEventListener("click", onUpgrade);
}
