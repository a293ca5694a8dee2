// Files and the site of the picked handle: upload a file from the browser
// through its signed upload URL, list files, copy a public link, delete a
// file; list site deployments, see which one is live, preview one, make
// one live, deploy one HTML page. Everything from the API goes on the page
// with textContent, never parsed as HTML.

import { $, api } from "./api.js";
import { busy, button, cell as td, clearBox, idle, loadList, showError } from "./ui.js";

let handle = "";
let seq = 0; // drops answers for a handle no longer shown

function base() {
  return "/v2/handles/" + encodeURIComponent(handle);
}

// The tokens module announces the picked handle.
document.addEventListener("tenx:handle", (ev) => {
  handle = ev.detail || "";
  seq++;
  $("files-section").hidden = !handle;
  $("site-section").hidden = !handle;
  for (const id of ["files-error", "site-error", "files-notice", "site-notice"]) clearBox($(id));
  if (handle) {
    loadFiles();
    loadDeployments();
  }
});

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

function when(iso) {
  const d = new Date(iso);
  return isNaN(d) ? String(iso || "") : dateFormat.format(d);
}

function size(n) {
  if (n < 1024) return n + " B";
  if (n < 1 << 20) return (n / 1024).toFixed(1) + " KB";
  return (n / (1 << 20)).toFixed(1) + " MB";
}

function note(id, text) {
  const p = $(id);
  p.textContent = text;
  p.hidden = !text;
}

// ---------------------------------------------------------------------
// Files.

function loadFiles() {
  const mine = seq;
  return loadList({ prefix: "files", path: base() + "/files?limit=100", key: "files", loading: "Loading files…",
    current: () => mine === seq, render: renderFiles });
}

function renderFiles(files) {
  const body = $("files-body");
  body.replaceChildren();
  $("files-status").textContent = files.length ? "" : "No files yet.";
  $("files-table").hidden = !files.length;
  for (const f of files) {
    const tr = document.createElement("tr");
    tr.dataset.fileId = f.fileId;
    const name = document.createElement("th");
    name.scope = "row";
    name.dataset.label = "Name";
    name.textContent = f.fileName;
    tr.appendChild(name);
    td(tr, "Size", size(f.sizeBytes));
    td(tr, "Status", f.status).className = "file-status";
    td(tr, "Uploaded", when(f.uploadedAt || f.createdAt));
    const actions = td(tr, "Actions");
    if (f.status === "READY") {
      actions.appendChild(button("Copy link", "btn-quiet file-copy", () => copyLink(f.publicUrl)));
    }
    actions.appendChild(button("Delete", "btn-danger file-delete", () => deleteFile(f)));
    body.appendChild(tr);
  }
}

async function copyLink(url) {
  try {
    await navigator.clipboard.writeText(url);
    note("files-notice", "Copied the public link: " + url);
  } catch (e) {
    note("files-notice", "Copy this public link: " + url);
  }
}

async function deleteFile(f) {
  if (!window.confirm("Delete " + f.fileName + "? Its public link stops working at once.")) return;
  try {
    await api("DELETE", base() + "/files/" + encodeURIComponent(f.fileId));
    note("files-notice", "Deleted " + f.fileName + ".");
    loadFiles();
  } catch (err) {
    showError($("files-error"), err);
  }
}

// onUpload creates the file, then PUTs its bytes to the signed upload URL
// it was given (no credential: the URL is the credential).
async function onUpload(ev) {
  ev.preventDefault();
  const input = $("file-input");
  const box = $("files-error");
  clearBox(box);
  note("files-notice", "");
  const file = input.files && input.files[0];
  if (!file) {
    box.textContent = "Choose a file to upload.";
    box.hidden = false;
    return;
  }
  const submit = $("file-upload");
  busy(submit, "Uploading…");
  try {
    const contentType = file.type || "application/octet-stream";
    const created = await api("POST", base() + "/files", {
      body: { fileName: file.name, contentType, sizeBytes: file.size, accessMode: "PUBLIC" },
    });
    const resp = await fetch(created.uploadUrl, {
      method: "PUT",
      headers: { "Content-Type": contentType },
      body: file,
      credentials: "omit",
    });
    if (!resp.ok) throw new Error("the upload was refused (HTTP " + resp.status + ")");
    input.value = "";
    note("files-notice", "Uploaded " + file.name + ".");
    loadFiles();
  } catch (err) {
    showError(box, err);
  } finally {
    idle(submit);
  }
}

// ---------------------------------------------------------------------
// Site deployments.

function loadDeployments() {
  const mine = seq;
  return loadList({ prefix: "site", path: base() + "/site-deployments?limit=20", key: "deployments",
    loading: "Loading deployments…", current: () => mine === seq, render: renderDeployments });
}

function renderDeployments(list) {
  const body = $("site-body");
  body.replaceChildren();
  const live = list.find((d) => d.status === "ACTIVE");
  $("site-live").textContent = live ? "Live: " + location.origin + "/s/" + handle + "/" : "No deployment is live.";
  $("site-status").textContent = list.length ? "" : "No deployments yet.";
  $("site-table").hidden = !list.length;
  for (const d of list) {
    const tr = document.createElement("tr");
    tr.dataset.deploymentId = d.deploymentId;
    const id = document.createElement("th");
    id.scope = "row";
    id.dataset.label = "Deployment";
    const code = document.createElement("code");
    code.textContent = d.deploymentId;
    id.appendChild(code);
    if (d.commitMessage) id.append(" ", d.commitMessage);
    tr.appendChild(id);
    const status = td(tr, "Status", d.status === "ACTIVE" ? "Live" : d.status === "PENDING_UPLOAD" ? "Waiting for uploads" : "Not live");
    status.className = "deployment-status";
    td(tr, "Files", d.fileCount + " · " + size(d.totalBytes));
    td(tr, "Created", when(d.createdAt));
    const actions = td(tr, "Actions");
    actions.appendChild(button("Preview", "btn-quiet deployment-preview", () => preview(d)));
    if (d.status !== "ACTIVE") actions.appendChild(button("Make live", "deployment-activate", () => activate(d)));
    body.appendChild(tr);
  }
}

async function preview(d) {
  try {
    const data = await api("GET", base() + "/site-deployments/" + encodeURIComponent(d.deploymentId) + "/preview");
    const link = $("site-preview-link");
    link.href = data.previewUrl;
    link.textContent = "Open the preview of " + d.deploymentId;
    $("site-preview").hidden = false;
    link.focus();
  } catch (err) {
    showError($("site-error"), err);
  }
}

async function activate(d) {
  try {
    await api("POST", base() + "/site-deployments/" + encodeURIComponent(d.deploymentId) + "/activate");
    note("site-notice", d.deploymentId + " is live.");
    loadDeployments();
  } catch (err) {
    showError($("site-error"), err, {
      upload_incomplete: "Some files of this deployment were never uploaded: it cannot go live.",
      missing_entrypoint: "This deployment has no index.html at its root: it cannot go live.",
    });
  }
}

async function onDeploy(ev) {
  ev.preventDefault();
  const html = $("site-html");
  clearBox($("site-error"));
  note("site-notice", "");
  if (!html.value.trim()) {
    $("site-error").textContent = "Write the HTML of the page first.";
    $("site-error").hidden = false;
    return;
  }
  const submit = $("site-deploy");
  busy(submit, "Deploying…");
  try {
    const body = { inlineHtml: html.value };
    if ($("site-message").value.trim()) body.commitMessage = $("site-message").value.trim();
    const d = await api("POST", base() + "/site-deployments", { body });
    note("site-notice", "Deployed " + d.deploymentId + ": it is live.");
    loadDeployments();
  } catch (err) {
    showError($("site-error"), err);
  } finally {
    idle(submit);
  }
}

$("file-form").addEventListener("submit", onUpload);
$("files-reload").addEventListener("click", loadFiles);
$("site-form").addEventListener("submit", onDeploy);
$("site-reload").addEventListener("click", loadDeployments);
