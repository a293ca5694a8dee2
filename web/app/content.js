// The handle's content in the dashboard: its profile and site mode, its
// pages (Markdown with a preview, publish) and its campaigns (create,
// status, health). Everything from the API goes on the page as text; the
// one exception, a page preview, is HTML the server rendered and
// sanitised, shown in a sandboxed frame that runs no script.

import { $, api, state } from "./api.js";
import { busy, clearBox, fieldError, idle, showError } from "./ui.js";

const base = () => "/v2/handles/" + encodeURIComponent(state.handle);
let seq = 0; // drops answers for a handle no longer shown

// selectContent loads the content sections of the handle picked.
export function selectContent(handle) {
  seq++;
  $("content-panel").hidden = !handle;
  if (!handle) return;
  for (const id of ["profile-error", "pages-error", "campaigns-error", "page-error", "campaign-error"]) clearBox($(id));
  resetPageForm();
  $("campaign-health").replaceChildren();
  loadProfile();
  loadPages();
  loadCampaigns();
}

// ---------------------------------------------------------------------
// Profile and site mode.

async function loadProfile() {
  const mine = seq;
  try {
    const p = await api("GET", base() + "/profile");
    if (mine !== seq) return;
    $("profile-display").value = p.displayName;
    $("profile-bio").value = p.bio;
    $("profile-avatar").value = p.avatarUrl;
    $("profile-theme").value = ["AUTO", "LIGHT", "DARK"].includes(p.theme.toUpperCase()) ? p.theme.toUpperCase() : "AUTO";
    showMode(p.siteMode, p.siteUrl);
  } catch (err) {
    if (mine === seq) showError($("profile-error"), err);
  }
}

function showMode(mode, url) {
  for (const r of document.querySelectorAll('input[name="site-mode"]')) r.checked = r.value === mode;
  const link = $("site-link");
  link.href = url;
  link.textContent = url;
}

async function onProfileSave(ev) {
  ev.preventDefault();
  const box = $("profile-error");
  clearBox(box);
  const button = $("profile-submit");
  busy(button, "Saving…");
  try {
    await api("PUT", base() + "/profile", {
      body: {
        displayName: $("profile-display").value,
        bio: $("profile-bio").value,
        avatarUrl: $("profile-avatar").value.trim(),
        theme: $("profile-theme").value,
      },
    });
    $("profile-status").textContent = "Profile saved.";
  } catch (err) {
    showError(box, err);
  } finally {
    idle(button);
  }
}

async function onModeChange(ev) {
  const box = $("profile-error");
  clearBox(box);
  try {
    const m = await api("PUT", base() + "/site-mode", { body: { mode: ev.target.value } });
    showMode(m.mode, m.siteUrl);
    $("profile-status").textContent =
      m.mode === "PROFILE" ? "Your site shows your link-in-bio page." : "Your site shows your deployed site.";
  } catch (err) {
    showError(box, err);
    loadProfile();
  }
}

// ---------------------------------------------------------------------
// Pages.

async function loadPages() {
  const mine = seq;
  const list = $("pages-list");
  $("pages-status").textContent = "Loading pages…";
  try {
    const data = await api("GET", base() + "/pages?limit=100");
    if (mine !== seq) return;
    list.replaceChildren();
    for (const p of data.pages) list.appendChild(pageItem(p));
    $("pages-status").textContent = data.pages.length ? "" : "No pages yet.";
  } catch (err) {
    if (mine === seq) showError($("pages-error"), err);
  }
}

function pageItem(p) {
  const li = document.createElement("li");
  const edit = document.createElement("button");
  edit.type = "button";
  edit.className = "btn-link";
  edit.textContent = p.title;
  edit.dataset.slug = p.slug;
  edit.addEventListener("click", () => editPage(p));
  const status = document.createElement("span");
  status.className = "tag";
  status.textContent = p.status === "PUBLISHED" ? "Published" : "Draft";
  li.append(edit, " ", status);
  if (p.status === "PUBLISHED") {
    const view = document.createElement("a");
    view.href = p.url;
    view.textContent = "View";
    view.rel = "noopener";
    view.target = "_blank";
    li.append(" ", view);
  }
  return li;
}

function resetPageForm() {
  $("page-form").reset();
  $("page-slug").readOnly = false;
  $("page-form").dataset.editing = "";
  $("page-form-title").textContent = "New page";
  $("page-preview").srcdoc = "";
  $("page-preview").hidden = true;
  $("page-status").textContent = "";
}

function editPage(p) {
  resetPageForm();
  $("page-form").dataset.editing = p.slug;
  $("page-form-title").textContent = "Edit " + p.slug;
  $("page-slug").value = p.slug;
  $("page-slug").readOnly = true;
  $("page-title").value = p.title;
  $("page-description").value = p.description;
  $("page-content").value = p.content;
  $("page-title").focus();
}

async function onPreview() {
  const box = $("page-error");
  clearBox(box);
  try {
    const out = await api("POST", base() + "/page-previews", { body: { content: $("page-content").value } });
    const frame = $("page-preview");
    frame.srcdoc = out.html;
    frame.hidden = false;
  } catch (err) {
    showError(box, err);
  }
}

// savePage creates or updates the page in the form, and publishes it
// when publish is set.
async function savePage(publish) {
  const box = $("page-error");
  clearBox(box);
  const slug = $("page-slug").value.trim();
  if (!slug) return fieldError(box, $("page-slug"), "Give the page a slug, for example about-us.");
  if (!$("page-title").value.trim()) return fieldError(box, $("page-title"), "Give the page a title.");
  const body = {
    title: $("page-title").value,
    description: $("page-description").value,
    content: $("page-content").value,
  };
  const editing = $("page-form").dataset.editing;
  const button = publish ? $("page-publish") : $("page-save");
  busy(button, publish ? "Publishing…" : "Saving…");
  try {
    if (editing) await api("PUT", base() + "/pages/" + encodeURIComponent(editing), { body });
    else await api("POST", base() + "/pages", { body: { slug, ...body } });
    $("page-form").dataset.editing = slug;
    $("page-slug").readOnly = true;
    $("page-form-title").textContent = "Edit " + slug;
    let p = null;
    if (publish) p = await api("POST", base() + "/pages/" + encodeURIComponent(slug) + "/publish");
    $("page-status").textContent = publish ? "Published at " + p.url : "Draft saved.";
    loadPages();
  } catch (err) {
    showError(box, err);
  } finally {
    idle(button);
  }
}

// ---------------------------------------------------------------------
// Campaigns.

const moves = { DRAFT: ["DRAFT", "ACTIVE"], ACTIVE: ["ACTIVE", "PAUSED"], PAUSED: ["PAUSED", "ACTIVE"] };

async function loadCampaigns() {
  const mine = seq;
  try {
    const data = await api("GET", base() + "/campaigns?limit=100");
    if (mine !== seq) return;
    const body = $("campaigns-body");
    body.replaceChildren();
    for (const c of data.campaigns) body.appendChild(campaignRow(c));
    $("campaigns-table").hidden = data.campaigns.length === 0;
    $("campaigns-status").textContent = data.campaigns.length ? "" : "No campaigns yet.";
  } catch (err) {
    if (mine === seq) showError($("campaigns-error"), err);
  }
}

function cell(text, label) {
  const td = document.createElement("td");
  td.textContent = text;
  td.dataset.label = label;
  return td;
}

function campaignRow(c) {
  const tr = document.createElement("tr");
  tr.dataset.campaign = c.campaignId;
  const status = document.createElement("select");
  status.setAttribute("aria-label", "Status of " + c.campaignId);
  for (const s of moves[c.status] || [c.status]) {
    const opt = document.createElement("option");
    opt.value = opt.textContent = s;
    status.appendChild(opt);
  }
  status.value = c.status;
  status.addEventListener("change", () => setStatus(c.campaignId, status.value));
  const statusCell = cell("", "Status");
  statusCell.appendChild(status);
  const health = document.createElement("button");
  health.type = "button";
  health.className = "btn btn-quiet";
  health.textContent = "Check health";
  health.addEventListener("click", () => showHealth(c.campaignId));
  const actions = cell("", "");
  actions.appendChild(health);
  tr.append(cell(c.campaignId, "Campaign"), cell(c.goalType, "Goal"), statusCell,
    cell(c.primarySlug || "—", "Primary link"), actions);
  return tr;
}

async function setStatus(id, status) {
  const box = $("campaigns-error");
  clearBox(box);
  try {
    await api("PATCH", base() + "/campaigns/" + encodeURIComponent(id), { body: { status } });
  } catch (err) {
    showError(box, err);
  }
  loadCampaigns();
}

async function showHealth(id) {
  const out = $("campaign-health");
  out.replaceChildren();
  try {
    const h = await api("GET", base() + "/campaigns/" + encodeURIComponent(id) + "/health");
    const head = document.createElement("p");
    head.textContent = "Health of " + id + ": " + (h.status === "PASS" ? "all checks pass" : "some checks fail");
    const list = document.createElement("ul");
    for (const c of h.checks) {
      const li = document.createElement("li");
      li.textContent = (c.status === "PASS" ? "✓ " : "✗ ") + c.reason;
      li.dataset.check = c.name;
      li.dataset.status = c.status;
      list.appendChild(li);
    }
    out.append(head, list);
  } catch (err) {
    showError($("campaigns-error"), err);
  }
}

async function onCampaignCreate(ev) {
  ev.preventDefault();
  const box = $("campaign-error");
  clearBox(box);
  const id = $("campaign-id").value.trim();
  if (!id) return fieldError(box, $("campaign-id"), "Give the campaign an id, for example spring-sale.");
  const body = { campaignId: id, goalType: $("campaign-goal").value };
  const slug = $("campaign-slug").value.trim();
  if (slug) body.primarySlug = slug;
  const button = $("campaign-submit");
  busy(button, "Creating…");
  try {
    await api("POST", base() + "/campaigns", { body });
    $("campaign-form").reset();
    loadCampaigns();
  } catch (err) {
    showError(box, err);
  } finally {
    idle(button);
  }
}

// setupContent wires the sections' forms once.
export function setupContent() {
  $("profile-form").addEventListener("submit", onProfileSave);
  for (const r of document.querySelectorAll('input[name="site-mode"]')) r.addEventListener("change", onModeChange);
  $("pages-new").addEventListener("click", () => {
    resetPageForm();
    $("page-slug").focus();
  });
  $("page-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    savePage(false);
  });
  $("page-preview-button").addEventListener("click", onPreview);
  $("page-publish").addEventListener("click", () => savePage(true));
  $("campaign-form").addEventListener("submit", onCampaignCreate);
}
