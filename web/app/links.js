// The links of the picked handle: the list with click counts, creating
// and editing one, enabling and disabling it, copying its short URL, and
// choosing which link the analytics show.

import { $, api } from "./api.js";
import { busy, clearBox, fieldError, idle, setInvalid, showError } from "./ui.js";
import { loadAnalytics, setupAnalytics } from "./analytics.js";
import { asInput, closeRouting, openRouting, setupRouting } from "./routing.js";
import { selectAutomation, setupAutomation } from "./automation.js";

const slugPattern = /^[A-Za-z0-9_-]{4,24}$/;

const links = {
  handle: "",
  list: [],
  editing: null, // the link being edited, or null when creating
  templates: [], // the handle's tracking templates, offered on the form
  seq: 0, // drops answers for a handle no longer shown
};

const base = (handle) => "/v2/handles/" + encodeURIComponent(handle) + "/links";

// selectLinks shows the links and analytics of handle ("" hides them).
export function selectLinks(handle) {
  links.handle = handle;
  links.list = [];
  links.templates = [];
  stopEditing();
  closeRouting();
  $("links-panel").hidden = !handle;
  selectAutomation(handle);
  if (!handle) return;
  $("links-handle").textContent = "@" + handle;
  $("link-slug-preview").textContent = "/" + handle + "/slug";
  loadLinks();
  loadAnalytics(handle, "");
}

export async function loadLinks() {
  const handle = links.handle;
  const seq = ++links.seq;
  const box = $("links-error");
  clearBox(box);
  $("links-status").textContent = "Loading links…";
  try {
    const data = await api("GET", base(handle) + "?limit=100");
    if (seq !== links.seq) return;
    links.list = data.links || [];
    renderLinks();
  } catch (err) {
    if (seq !== links.seq) return;
    $("links-status").textContent = "";
    showError(box, err, { insufficient_role: "Links need the CREATOR role or higher on @" + handle + "." });
  }
}

function renderLinks() {
  const body = $("links-body");
  body.replaceChildren();
  $("links-table").hidden = links.list.length === 0;
  $("links-status").textContent = links.list.length === 0
    ? "@" + links.handle + " has no links yet: create one below."
    : links.list.length + (links.list.length === 1 ? " link." : " links.");
  for (const l of links.list) body.appendChild(linkRow(l));
}

function cell(label, ...children) {
  const td = document.createElement("td");
  td.dataset.label = label;
  td.append(...children);
  return td;
}

function button(text, cls, onClick) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = "btn btn-quiet " + cls;
  b.textContent = text;
  b.addEventListener("click", onClick);
  return b;
}

function linkRow(l) {
  const tr = document.createElement("tr");
  tr.dataset.slug = l.slug;
  const short = document.createElement("a");
  short.href = l.url;
  short.textContent = "/" + links.handle + "/" + l.slug;
  short.rel = "noopener";
  short.target = "_blank";
  const dest = document.createElement("span");
  dest.className = "dest";
  dest.textContent = l.destinationUrl;
  dest.title = l.destinationUrl;
  const clicks = document.createElement("span");
  clicks.className = "clicks";
  clicks.textContent = String(l.clickCount);
  const status = document.createElement("span");
  status.className = l.enabled ? "chip chip-on" : "chip";
  status.textContent = l.enabled ? "Enabled" : "Disabled";
  const actions = document.createElement("div");
  actions.className = "row-actions";
  actions.append(
    button("Copy", "copy", () => copyURL(l)),
    button("Edit", "edit", () => startEditing(l)),
    button("Routing", "routing", () => openRouting(links.handle, l, saveRules)),
    button(l.enabled ? "Disable" : "Enable", "toggle", (ev) => toggle(l, ev.target)),
    button("Analytics", "stats", () => loadAnalytics(links.handle, l.slug)),
  );
  tr.append(cell("Short link", short), cell("Destination", dest), cell("Clicks", clicks),
    cell("Status", status), cell("", actions));
  return tr;
}

async function copyURL(l) {
  const status = $("links-copy-status");
  try {
    await navigator.clipboard.writeText(l.url);
    status.textContent = "Copied " + l.url;
  } catch (e) {
    status.textContent = "Copy did not work here; the short link is " + l.url;
  }
}

// body is the link as PUT takes it: every field kept, some changed.
function body(l, changes) {
  const b = { destinationUrl: l.destinationUrl, title: l.title, tags: l.tags, enabled: l.enabled,
    redirectType: l.redirectType, attribution: !!l.attribution,
    routingRules: (l.routingRules || []).map(asInput), trackingTemplateIds: l.trackingTemplateIds || [] };
  for (const k of ["scheduledStartAt", "scheduledEndAt", "expiresAt", "maxClicks"]) {
    if (l[k] !== undefined && l[k] !== null) b[k] = l[k];
  }
  return Object.assign(b, changes);
}

// saveRules stores the link's routing rules and returns the saved link.
async function saveRules(l, rules) {
  const saved = await api("PUT", base(links.handle) + "/" + encodeURIComponent(l.slug), { body: body(l, { routingRules: rules }) });
  loadLinks();
  return saved;
}

async function toggle(l, btn) {
  busy(btn, l.enabled ? "Disabling…" : "Enabling…");
  try {
    await api("PUT", base(links.handle) + "/" + encodeURIComponent(l.slug), { body: body(l, { enabled: !l.enabled }) });
    await loadLinks();
  } catch (err) {
    idle(btn);
    showError($("links-error"), err);
  }
}

function startEditing(l) {
  links.editing = l;
  $("link-form-title").textContent = "Edit /" + links.handle + "/" + l.slug;
  $("link-slug").value = l.slug;
  $("link-slug").readOnly = true;
  $("link-destination").value = l.destinationUrl;
  $("link-title").value = l.title || "";
  $("link-enabled").checked = l.enabled;
  $("link-attribution").checked = !!l.attribution;
  renderTemplateChoices(l.trackingTemplateIds || []);
  $("link-submit").textContent = "Save link";
  $("link-cancel").hidden = false;
  $("link-destination").focus();
}

function stopEditing() {
  links.editing = null;
  $("link-form").reset();
  renderTemplateChoices([]);
  clearBox($("link-form-error"));
  $("link-form-title").textContent = "Create a link";
  $("link-slug").readOnly = false;
  $("link-submit").textContent = "Create link";
  $("link-cancel").hidden = true;
}

// renderTemplateChoices offers a checkbox per tracking template of the
// handle, those in ids checked; with no template the choice is hidden.
function renderTemplateChoices(ids) {
  const boxes = links.templates.map((t) => {
    const input = document.createElement("input");
    input.type = "checkbox";
    input.value = t.templateId;
    input.checked = ids.includes(t.templateId);
    const label = document.createElement("label");
    label.append(input, " " + t.name + " (" + t.templateKey + ")");
    return label;
  });
  $("link-templates-list").replaceChildren(...boxes);
  $("link-templates").hidden = boxes.length === 0;
}

// chosenTemplates is the ids of the templates checked on the form.
function chosenTemplates() {
  return [...$("link-templates-list").querySelectorAll("input:checked")].map((i) => i.value);
}

async function onSave(ev) {
  ev.preventDefault();
  const box = $("link-form-error");
  clearBox(box);
  const slug = $("link-slug");
  const dest = $("link-destination");
  setInvalid(slug, false);
  setInvalid(dest, false);
  if (!slugPattern.test(slug.value)) {
    return fieldError(box, slug, "The slug must be 4 to 24 letters, digits, - or _.");
  }
  if (!/^https?:\/\/\S+$/i.test(dest.value.trim())) {
    return fieldError(box, dest, "The destination must be a full http:// or https:// address.");
  }
  const fields = { destinationUrl: dest.value.trim(), title: $("link-title").value,
    enabled: $("link-enabled").checked, attribution: $("link-attribution").checked,
    trackingTemplateIds: chosenTemplates() };
  const b = links.editing ? body(links.editing, fields) : fields;
  const btn = $("link-submit");
  busy(btn, "Saving…");
  try {
    await api("PUT", base(links.handle) + "/" + encodeURIComponent(slug.value), { body: b });
    // The list first, then the empty form: an Edit right after the save
    // then starts from the link as saved.
    await loadLinks();
    idle(btn);
    stopEditing();
  } catch (err) {
    idle(btn);
    showError(box, err);
  }
}

export function setupLinks() {
  document.addEventListener("tenx:templates", (ev) => {
    const checked = chosenTemplates();
    links.templates = ev.detail;
    renderTemplateChoices(checked);
  });
  $("links-reload").addEventListener("click", () => {
    loadLinks();
    loadAnalytics(links.handle, null);
  });
  $("link-form").addEventListener("submit", onSave);
  $("link-cancel").addEventListener("click", stopEditing);
  setupAnalytics();
  setupRouting();
  setupAutomation();
}
