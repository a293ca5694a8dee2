// The API tokens of the picked handle: the list, creating one and showing
// its secret once, revoking one after a confirmation dialog.

import { $, api, state } from "./api.js";
import { busy, clearBox, fieldError, handleName, idle, setInvalid, showError } from "./ui.js";

// ---------------------------------------------------------------------
// Tokens of the picked handle.

export function selectHandle(handle) {
  state.handle = handle;
  document.dispatchEvent(new CustomEvent("tenx:handle", { detail: handle }));
  state.tokens = [];
  state.nextToken = "";
  state.loadSeq++;
  hideSecret();
  clearBox($("app-notice"));
  clearBox($("create-error"));
  if (!handle) {
    $("handle-panel").hidden = true;
    history.replaceState(null, "", location.pathname + location.search);
    return;
  }
  history.replaceState(null, "", "#" + encodeURIComponent(handle));
  $("tokens-handle").textContent = "@" + handle;
  $("handle-panel").hidden = false;
  $("create-section").hidden = false;
  loadTokens(false);
}

export async function loadTokens(more) {
  const handle = state.handle;
  const seq = ++state.loadSeq;
  const box = $("tokens-error");
  const status = $("tokens-status");
  clearBox(box);
  status.textContent = more ? "Loading more tokens…" : "Loading tokens…";
  if (!more) {
    $("tokens-table").hidden = true;
    $("tokens-more").hidden = true;
  }
  let path = "/v2/handles/" + encodeURIComponent(handle) + "/tokens?limit=50";
  if (more && state.nextToken) path += "&nextToken=" + encodeURIComponent(state.nextToken);
  try {
    const data = await api("GET", path);
    if (seq !== state.loadSeq) return;
    const page = Array.isArray(data.tokens) ? data.tokens : [];
    state.tokens = more ? state.tokens.concat(page) : page;
    state.nextToken = data.nextToken || "";
    renderTokens();
  } catch (err) {
    if (seq !== state.loadSeq) return;
    status.textContent = "";
    if (!showError(box, err, "The handle " + handleName() + " was not found, or you no longer have access to it.")) return;
    if (err.code === "insufficient_role" || err.code === "not_found") {
      $("create-section").hidden = true;
    }
  }
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

// timeCell is a <time> for an ISO timestamp, or text when there is none.
function timeNode(iso, none) {
  if (!iso) {
    const span = document.createElement("span");
    span.className = "muted";
    span.textContent = none;
    return span;
  }
  const t = document.createElement("time");
  t.dateTime = iso;
  const d = new Date(iso);
  t.textContent = isNaN(d) ? iso : dateFormat.format(d);
  t.title = iso;
  return t;
}

function cell(row, label, tag) {
  const c = document.createElement(tag || "td");
  c.dataset.label = label;
  if (tag === "th") c.scope = "row";
  row.appendChild(c);
  return c;
}

function renderTokens() {
  const body = $("tokens-body");
  body.replaceChildren();
  const now = Date.now();
  for (const tok of state.tokens) {
    const tr = document.createElement("tr");
    tr.dataset.tokenId = tok.tokenId;

    const name = cell(tr, "Name", "th");
    const strong = document.createElement("span");
    strong.className = "token-name";
    strong.textContent = tok.name;
    const id = document.createElement("code");
    id.className = "token-id";
    id.textContent = tok.tokenId;
    name.append(strong, id);

    const scopes = cell(tr, "Scopes");
    const ul = document.createElement("ul");
    ul.className = "chips";
    for (const s of tok.scopes || []) {
      const li = document.createElement("li");
      const code = document.createElement("code");
      code.textContent = s;
      li.appendChild(code);
      ul.appendChild(li);
    }
    scopes.appendChild(ul);

    cell(tr, "Created").appendChild(timeNode(tok.createdAt, "—"));

    const exp = cell(tr, "Expires");
    exp.appendChild(timeNode(tok.expiresAt, "Never"));
    if (tok.expiresAt && new Date(tok.expiresAt).getTime() <= now) {
      const tag = document.createElement("span");
      tag.className = "tag tag-bad";
      tag.textContent = "expired";
      exp.append(" ", tag);
    }

    const used = cell(tr, "Last used");
    used.appendChild(timeNode(tok.lastUsedAt, "Never used"));
    if (tok.lastUsedAt && tok.lastUsedIp) {
      const ip = document.createElement("span");
      ip.className = "muted ip";
      ip.textContent = "from " + tok.lastUsedIp;
      used.append(" ", ip);
    }

    const actions = cell(tr, "");
    actions.className = "actions";
    const btn = document.createElement("button");
    btn.type = "button";
    btn.className = "btn btn-danger-quiet revoke";
    btn.textContent = "Revoke";
    btn.setAttribute("aria-label", "Revoke token " + tok.name);
    btn.addEventListener("click", () => openRevoke(tok, btn));
    actions.appendChild(btn);

    body.appendChild(tr);
  }
  const n = state.tokens.length;
  $("tokens-table").hidden = n === 0;
  $("tokens-more").hidden = !state.nextToken;
  $("tokens-status").textContent =
    n === 0
      ? "This handle has no active API tokens. Create one below."
      : n + (n === 1 ? " active token" : " active tokens") + (state.nextToken ? " shown; there are more." : ".");
}


// ---------------------------------------------------------------------
// Create a token, then show its secret once.

export async function onCreate(ev) {
  ev.preventDefault();
  const box = $("create-error");
  clearBox(box);
  const name = $("create-name");
  setInvalid(name, false);
  const checked = Array.from(document.querySelectorAll("#scope-groups input[type=checkbox]:checked"));
  if (!name.value.trim()) {
    return fieldError(box, name, "Give the token a name, so you can tell it apart later.");
  }
  if (checked.length === 0) {
    const first = document.querySelector("#scope-groups input[type=checkbox]");
    return fieldError(box, first, "Pick at least one scope.");
  }
  const body = { name: name.value.trim(), scopes: checked.map((c) => c.value) };
  const days = $("create-expiry").value;
  if (days) body.expiresInDays = parseInt(days, 10);
  const handle = state.handle;
  const button = $("create-submit");
  busy(button, "Creating…");
  try {
    const created = await api("POST", "/v2/handles/" + encodeURIComponent(handle) + "/tokens", { body });
    if (handle !== state.handle) return;
    $("create-form").reset();
    showSecret(created, handle);
    loadTokens(false);
  } catch (err) {
    if (showError(box, err, "The handle " + handleName() + " was not found, or you no longer have access to it.")) {
      box.focus();
    }
  } finally {
    idle(button);
  }
}

function showSecret(created, handle) {
  $("secret-name").textContent = created.name;
  $("secret-handle").textContent = "@" + handle;
  $("secret-value").value = created.token;
  $("secret-panel").dataset.tokenId = created.tokenId;
  $("secret-copy-status").textContent = "";
  $("secret-copy").textContent = "Copy";
  $("secret-panel").hidden = false;
  $("secret-title").focus();
  $("secret-panel").scrollIntoView({ block: "start" });
}

export function hideSecret() {
  $("secret-value").value = "";
  $("secret-panel").hidden = true;
  delete $("secret-panel").dataset.tokenId;
}

export async function onCopy() {
  const area = $("secret-value");
  const status = $("secret-copy-status");
  try {
    if (!navigator.clipboard || !window.isSecureContext) throw new Error("no clipboard");
    await navigator.clipboard.writeText(area.value);
    status.textContent = "Copied to the clipboard.";
    $("secret-copy").textContent = "Copied";
    return;
  } catch (e) {
    // Fall back to a selection the user can copy.
  }
  area.focus();
  area.select();
  let copied = false;
  try {
    copied = document.execCommand("copy");
  } catch (e) {
    copied = false;
  }
  if (copied) {
    status.textContent = "Copied to the clipboard.";
    $("secret-copy").textContent = "Copied";
  } else {
    status.textContent = "Your browser did not let this page copy. The token is selected: press Ctrl+C (⌘C on a Mac) to copy it.";
  }
}

export function onSecretDone() {
  hideSecret();
  $("tokens-title").focus();
}

// ---------------------------------------------------------------------
// Revoke, after a confirmation dialog that names the token.

function openRevoke(tok, opener) {
  state.revoking = { token: tok, opener };
  $("revoke-name").textContent = "“" + tok.name + "”";
  clearBox($("revoke-error"));
  idle($("revoke-confirm"));
  $("revoke-dialog").showModal();
  $("revoke-cancel").focus();
}

export async function onRevokeConfirm() {
  const pending = state.revoking;
  if (!pending) return;
  const handle = state.handle;
  const tok = pending.token;
  const button = $("revoke-confirm");
  busy(button, "Revoking…");
  try {
    await api("DELETE", "/v2/handles/" + encodeURIComponent(handle) + "/tokens/" + encodeURIComponent(tok.tokenId));
  } catch (err) {
    idle(button);
    if (err.code === "not_found") {
      // Gone already: say so and refresh the list.
      state.revoking = null;
      $("revoke-dialog").close();
      notice("The token “" + tok.name + "” no longer exists; it may have been revoked already.");
      loadTokens(false);
      return;
    }
    showError($("revoke-error"), err);
    return;
  }
  idle(button);
  state.revoking = null;
  $("revoke-dialog").close();
  if ($("secret-panel").dataset.tokenId === tok.tokenId) hideSecret();
  notice("The token “" + tok.name + "” was revoked. Anything that used it can no longer call the API.");
  $("tokens-title").focus();
  loadTokens(false);
}

export function onRevokeClosed() {
  // The close event comes a task later: the dialog may be open again,
  // for another click, by the time it arrives.
  if ($("revoke-dialog").open) return;
  const pending = state.revoking;
  state.revoking = null;
  // Cancelled: give focus back to the button that opened the dialog.
  if (pending && pending.opener && pending.opener.isConnected) pending.opener.focus();
}

export function notice(text) {
  const box = $("app-notice");
  box.textContent = text;
  box.hidden = false;
}

