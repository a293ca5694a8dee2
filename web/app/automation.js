// The handle's personalization rules (list, create or replace, delete:
// writes need the OPERATOR role) and tracking templates (list, create
// with the config fields of their kind, delete: not while a link uses it).

import { $, api } from "./api.js";
import { busy, button, cell, clearBox, fieldError, idle, loadList, setInvalid, showError } from "./ui.js";
import { ruleFromForm, ruleRow, ruleToForm } from "./routing.js";

const auto = { handle: "", seq: { rules: 0, templates: 0 } }; // seq drops answers for a handle no longer shown

const base = (what) => "/v2/handles/" + encodeURIComponent(auto.handle) + "/" + what;

const operatorOnly = () => ({
  insufficient_role: "Changing personalization rules needs the OPERATOR or OWNER role on @" + auto.handle +
    "; a CREATOR can only read them.",
});

// The config fields of each kind of template, all required.
const configFields = {
  meta_pixel: [["pixelId", "Pixel id", "5 to 20 digits"], ["eventName", "Event name", "for example Purchase"]],
  gtm_event: [["containerId", "Container id", "GTM- then 4 to 10 capitals or digits"], ["eventName", "Event name", "for example sign_up"]],
  ga4_event: [["measurementId", "Measurement id", "G- then 4 to 12 capitals or digits"], ["eventName", "Event name", "for example purchase"]],
  custom_webhook: [["url", "Webhook URL", "an https:// address"]],
};

// selectAutomation shows the rules and templates of handle ("" shows none).
export function selectAutomation(handle) {
  auto.handle = handle;
  if (!handle) return;
  loadRules();
  loadTemplates();
}

// load fills a list from GET what; render gets the items under key.
function load(what, key, prefix, render) {
  const seq = ++auto.seq[prefix];
  return loadList({ prefix, path: base(what) + "?limit=100", key, current: () => seq === auto.seq[prefix], render });
}

function loadRules() {
  return load("personalization-rules", "personalizationRules", "rules", (rules) => {
    $("rules-body").replaceChildren(...rules.map((r) => ruleRow(r, (rule) => ruleToForm("rules", rule), deleteRule)));
    $("rules-table").hidden = rules.length === 0;
    $("rules-status").textContent = rules.length === 0 ? "@" + auto.handle + " has no personalization rules."
      : rules.length + (rules.length === 1 ? " rule." : " rules.");
  });
}

async function saveRule(ev) {
  ev.preventDefault();
  const box = $("rules-error");
  clearBox(box);
  const rule = ruleFromForm("rules", box);
  if (!rule) return;
  rule.enabled = $("rules-enabled").checked;
  const btn = $("rules-save");
  busy(btn, "Saving…");
  try {
    await api("PUT", base("personalization-rules/") + encodeURIComponent(rule.ruleId), { body: rule });
    $("rules-form").reset();
    await loadRules();
  } catch (err) {
    showError(box, err, operatorOnly());
  } finally {
    idle(btn);
  }
}

async function deleteRule(rule, btn) {
  const box = $("rules-error");
  clearBox(box);
  busy(btn, "Deleting…");
  try {
    await api("DELETE", base("personalization-rules/") + encodeURIComponent(rule.ruleId));
    await loadRules();
  } catch (err) {
    idle(btn);
    showError(box, err, operatorOnly());
  }
}

function loadTemplates() {
  return load("tracking-templates", "trackingTemplates", "templates", (list) => {
    // The link form offers them (links.js listens).
    document.dispatchEvent(new CustomEvent("tenx:templates", { detail: list }));
    $("templates-body").replaceChildren(...list.map(templateRow));
    $("templates-table").hidden = list.length === 0;
    $("templates-status").textContent = list.length === 0 ? "@" + auto.handle + " has no tracking templates."
      : list.length + (list.length === 1 ? " template." : " templates.");
  });
}

function templateRow(t) {
  const tr = document.createElement("tr");
  tr.dataset.template = t.templateId;
  const config = Object.entries(t.config || {}).map(([k, v]) => k + ": " + v).join(", ");
  for (const [label, text] of [["Name", t.name], ["Kind", t.templateKey], ["Config", config]]) cell(tr, label, text);
  cell(tr, "Actions").appendChild(button("Delete", "btn-quiet delete", (b) => deleteTemplate(t, b)));
  return tr;
}

// renderConfig shows the config fields of the chosen kind.
function renderConfig() {
  const fields = configFields[$("templates-key").value] || [];
  $("templates-config").replaceChildren(...fields.map(([key, label, hint]) => {
    const div = document.createElement("div");
    div.className = "field";
    const l = document.createElement("label");
    l.htmlFor = "templates-config-" + key;
    l.textContent = label;
    const input = document.createElement("input");
    input.id = "templates-config-" + key;
    input.type = "text";
    input.dataset.key = key;
    input.autocomplete = "off";
    input.spellcheck = false;
    const p = document.createElement("p");
    p.className = "hint";
    p.textContent = hint;
    div.append(l, input, p);
    return div;
  }));
}

async function createTemplate(ev) {
  ev.preventDefault();
  const box = $("templates-error");
  clearBox(box);
  const name = $("templates-name");
  setInvalid(name, false);
  if (!name.value.trim()) return fieldError(box, name, "Give the template a name.");
  const config = {};
  for (const input of $("templates-config").querySelectorAll("input")) config[input.dataset.key] = input.value.trim();
  const btn = $("templates-create");
  busy(btn, "Creating…");
  try {
    await api("POST", base("tracking-templates"), { body: { templateKey: $("templates-key").value, name: name.value.trim(), config } });
    $("templates-form").reset();
    renderConfig();
    await loadTemplates();
  } catch (err) {
    showError(box, err);
  } finally {
    idle(btn);
  }
}

async function deleteTemplate(t, btn) {
  const box = $("templates-error");
  clearBox(box);
  busy(btn, "Deleting…");
  try {
    await api("DELETE", base("tracking-templates/") + encodeURIComponent(t.templateId));
    await loadTemplates();
  } catch (err) {
    idle(btn);
    showError(box, err);
  }
}

export function setupAutomation() {
  $("rules-form").addEventListener("submit", saveRule);
  $("rules-reload").addEventListener("click", loadRules);
  $("templates-form").addEventListener("submit", createTemplate);
  $("templates-key").addEventListener("change", renderConfig);
  $("templates-reload").addEventListener("click", loadTemplates);
  renderConfig();
}
