// A link's routing rules (add, remove) and the route preview: which rule
// a visit would take, and why each rule tried before it did not match.
// The rule form helpers are shared with the personalization rules
// (automation.js).

import { $, api } from "./api.js";
import { busy, button, cell, clearBox, fieldError, idle, setInvalid, showError } from "./ui.js";

const idPattern = /^[A-Za-z0-9_-]{1,64}$/;

const routing = {
  handle: "",
  link: null, // the link whose rules are shown, or null
  save: null, // save(link, rules) stores the rules and returns the saved link
};

// list splits a comma-separated field into its trimmed, non-empty items.
function list(input) {
  return input.value.split(",").map((s) => s.trim()).filter(Boolean);
}

// ruleFromForm reads the rule form whose inputs start with prefix ("routing"
// or "rules"). It returns the rule as the API takes it, or null after
// showing what is wrong in box.
export function ruleFromForm(prefix, box) {
  const f = (name) => $(prefix + "-" + name);
  for (const name of ["rule-id", "priority", "destination"]) setInvalid(f(name), false);
  const ruleId = f("rule-id").value.trim();
  if (!idPattern.test(ruleId)) {
    fieldError(box, f("rule-id"), "The rule id must be 1 to 64 letters, digits, - or _.");
    return null;
  }
  const priority = Number(f("priority").value || 0);
  if (!Number.isInteger(priority) || priority < 0 || priority > 1000000) {
    fieldError(box, f("priority"), "The priority must be a whole number from 0 to 1000000.");
    return null;
  }
  const destinationUrl = f("destination").value.trim();
  if (!/^https?:\/\/\S+$/i.test(destinationUrl)) {
    fieldError(box, f("destination"), "The destination must be a full http:// or https:// address.");
    return null;
  }
  const when = { countryIn: list(f("countries")), deviceIn: list(f("devices")).map((d) => d.toUpperCase()),
    sourceIn: list(f("sources")), campaignIn: list(f("campaigns")) };
  return { ruleId, priority, when, variant: { id: ruleId, destinationUrl } };
}

// describeWhen puts a rule's conditions in words.
export function describeWhen(when) {
  const parts = [];
  const names = { countryIn: "country", deviceIn: "device", sourceIn: "source", campaignIn: "campaign" };
  for (const [key, name] of Object.entries(names)) {
    const values = (when && when[key]) || [];
    if (values.length) parts.push(name + " is " + values.join(" or "));
  }
  return parts.length ? parts.join(", and ") : "every visit";
}

// ruleToForm puts rule in the form whose inputs start with prefix, to be
// edited: saving it under the same id replaces the rule.
export function ruleToForm(prefix, rule) {
  const f = (name) => $(prefix + "-" + name);
  const when = rule.when || {};
  f("rule-id").value = rule.ruleId;
  f("priority").value = String(rule.priority);
  f("countries").value = (when.countryIn || []).join(", ");
  f("devices").value = (when.deviceIn || []).join(", ");
  f("sources").value = (when.sourceIn || []).join(", ");
  f("campaigns").value = (when.campaignIn || []).join(", ");
  f("destination").value = rule.variant.destinationUrl;
  if (f("enabled")) f("enabled").checked = rule.enabled !== false;
  f("rule-id").focus();
}

// ruleRow is a table row of a rule with its Edit and Delete buttons.
export function ruleRow(rule, onEdit, onDelete) {
  const tr = document.createElement("tr");
  tr.dataset.rule = rule.ruleId;
  const cells = [["Rule", rule.ruleId + (rule.enabled === false ? " (disabled)" : "")], ["Priority", String(rule.priority)],
    ["When", describeWhen(rule.when)], ["Destination", rule.variant.destinationUrl]];
  for (const [label, text] of cells) cell(tr, label, text);
  cell(tr, "Actions").append(button("Edit", "btn-quiet edit", () => onEdit(rule)),
    button("Delete", "btn-quiet delete", (b) => onDelete(rule, b)));
  return tr;
}

// openRouting shows the routing rules of link; save(link, rules) stores them.
export function openRouting(handle, link, save) {
  routing.handle = handle;
  routing.link = link;
  routing.save = save;
  clearBox($("routing-error"));
  clearBox($("preview-error"));
  $("preview-result").replaceChildren();
  $("routing-link").textContent = "/" + handle + "/" + link.slug;
  $("routing-section").hidden = false;
  renderRules();
  $("routing-title").focus();
}

export function closeRouting() {
  routing.link = null;
  $("routing-section").hidden = true;
}

function renderRules() {
  const rules = routing.link.routingRules || [];
  const body = $("routing-body");
  body.replaceChildren(...rules.map((r) => ruleRow(r, (rule) => ruleToForm("routing", rule), removeRule)));
  $("routing-table").hidden = rules.length === 0;
  $("routing-status").textContent = rules.length === 0
    ? "No routing rules: every visit goes to " + routing.link.destinationUrl + " unless a personalization rule matches."
    : rules.length + (rules.length === 1 ? " rule." : " rules.");
}

// asInput turns a stored rule back into the shape PUT takes.
export function asInput(r) {
  return { ruleId: r.ruleId, enabled: r.enabled, priority: r.priority, when: r.when, variant: r.variant };
}

async function store(rules, btn, label) {
  const box = $("routing-error");
  clearBox(box);
  busy(btn, label);
  try {
    routing.link = await routing.save(routing.link, rules);
    idle(btn);
    renderRules();
    return true;
  } catch (err) {
    idle(btn);
    showError(box, err);
    return false;
  }
}

async function addRule(ev) {
  ev.preventDefault();
  const box = $("routing-error");
  clearBox(box);
  const rule = ruleFromForm("routing", box);
  if (!rule) return;
  const others = (routing.link.routingRules || []).filter((r) => r.ruleId !== rule.ruleId).map(asInput);
  if (await store([...others, rule], $("routing-add"), "Saving…")) $("routing-form").reset();
}

function removeRule(rule, btn) {
  const rest = (routing.link.routingRules || []).filter((r) => r.ruleId !== rule.ruleId).map(asInput);
  store(rest, btn, "Deleting…");
}

async function preview(ev) {
  ev.preventDefault();
  const box = $("preview-error");
  clearBox(box);
  const visit = {};
  for (const key of ["country", "device", "source", "campaign"]) {
    const v = $("preview-" + key).value.trim();
    if (v) visit[key] = key === "country" ? v.toUpperCase() : v;
  }
  const btn = $("preview-submit");
  busy(btn, "Previewing…");
  try {
    const path = "/v2/handles/" + encodeURIComponent(routing.handle) + "/links/" +
      encodeURIComponent(routing.link.slug) + "/route-preview";
    showPreview(await api("POST", path, { body: visit }));
  } catch (err) {
    $("preview-result").replaceChildren();
    showError(box, err);
  } finally {
    idle(btn);
  }
}

function showPreview(p) {
  const out = $("preview-result");
  const winner = document.createElement("p");
  winner.id = "preview-winner";
  const from = { LINK: "the link's rule", PERSONALIZATION: "the personalization rule" }[p.from];
  winner.textContent = p.rule
    ? "Wins: " + from + " " + p.rule.ruleId + ", to " + p.destination
    : "No rule matches: the visit goes to the link's destination, " + p.destination;
  const misses = document.createElement("ul");
  misses.id = "preview-misses";
  for (const m of p.misses) {
    const li = document.createElement("li");
    li.dataset.rule = m.ruleId;
    li.textContent = m.ruleId + (m.from === "PERSONALIZATION" ? " (personalization)" : "") + " did not match: " + m.reason;
    misses.appendChild(li);
  }
  out.replaceChildren(winner, misses);
}

export function setupRouting() {
  $("routing-form").addEventListener("submit", addRule);
  $("preview-form").addEventListener("submit", preview);
  $("routing-close").addEventListener("click", closeRouting);
}
