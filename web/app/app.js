// tenx token dashboard. Plain JavaScript modules, no dependencies, no
// build step; it uses only the public API. This module shows the views,
// signs in and out, and starts the page.

import { $, api, hooks, refresh, setSession, clearSession, state } from "./api.js";
import { busy, clearBox, describe, fieldError, idle, setInvalid, showError } from "./ui.js";
import {
  hideSecret,
  loadTokens,
  notice,
  onCopy,
  onCreate,
  onRevokeClosed,
  onRevokeConfirm,
  onSecretDone,
  selectHandle,
} from "./tokens.js";
import { loadScopes } from "./scopes.js";
import { setupAccount } from "./account.js";
import { loadAccount, setupAccountPage } from "./control.js";
import { loadAdmin, setupAdminPage } from "./admin.js";
import { selectContent, setupContent } from "./content.js";
import { selectLinks, setupLinks } from "./links.js";

// showHandle shows the tokens, links and analytics of a handle.
function showHandle(handle) {
  selectHandle(handle);
  selectLinks(handle);
}
import "./files.js";
import "./webhooks.js";

// ---------------------------------------------------------------------
// Views.

function showView(name) {
  $("loading").hidden = name !== "loading";
  $("view-signin").hidden = name !== "signin";
  $("view-signup").hidden = name !== "signup";
  $("view-app").hidden = name !== "app";
  $("account").hidden = name !== "app";
}

// showSignin shows the sign-in form with an optional note (a plain note,
// or an error when isError).
function showSignin(note, isError) {
  showView("signin");
  clearBox($("signin-error"));
  $("signin-notice").hidden = true;
  if (note && isError) {
    $("signin-error").textContent = note;
    $("signin-error").hidden = false;
  } else if (note) {
    $("signin-notice").textContent = note;
    $("signin-notice").hidden = false;
  }
  $("signin-password").value = "";
  $("signin-email").focus();
}

// ---------------------------------------------------------------------
// Sign in and out.

async function onSignin(ev) {
  ev.preventDefault();
  const email = $("signin-email");
  const password = $("signin-password");
  const box = $("signin-error");
  clearBox(box);
  $("signin-notice").hidden = true;
  setInvalid(email, false);
  setInvalid(password, false);
  if (!email.value.trim()) {
    return fieldError(box, email, "Enter the email address of your account.");
  }
  if (!password.value) {
    return fieldError(box, password, "Enter your password.");
  }
  const button = $("signin-submit");
  busy(button, "Signing in…");
  try {
    const data = await api("POST", "/v2/auth/login", {
      auth: false,
      body: { email: email.value.trim(), password: password.value },
    });
    password.value = "";
    setSession(data);
    await enterApp(true);
  } catch (err) {
    showError(box, err);
    if (err.code === "invalid_credentials") {
      setInvalid(password, true);
      password.select();
      password.focus();
    }
  } finally {
    idle(button);
  }
}

async function onSignout() {
  const button = $("signout");
  busy(button, "Signing out…");
  try {
    await api("POST", "/v2/auth/logout");
  } catch (e) {
    // The session is forgotten here either way.
  } finally {
    idle(button);
  }
  endSession("You have signed out.");
}

// enterApp loads the user and their handles and shows the dashboard.
async function enterApp(fromSignin) {
  let me;
  try {
    me = await api("GET", "/v2/auth/me");
  } catch (err) {
    if (err.authed && err.status === 401) {
      endSession(describe(err));
    } else {
      showView("signin");
      showError($("signin-error"), err);
    }
    return;
  }
  state.user = me.user || state.user;
  state.handles = Array.isArray(me.handles) ? me.handles : [];
  $("account-email").textContent = state.user ? state.user.email : "";
  fillHandles();
  showView("app");
  clearBox($("app-notice"));
  loadAccount();
  loadAdmin();

  const wanted = decodeURIComponent(location.hash.replace(/^#/, ""));
  const known = (h) => state.handles.some((x) => x.handle === h);
  let pick = "";
  if (wanted && known(wanted)) pick = wanted;
  else if (state.handles.length === 1) pick = state.handles[0].handle;
  if (pick) {
    $("handle-select").value = pick;
    selectLinks(pick);
    selectHandle(pick);
  } else {
    selectLinks("");
    selectHandle("");
  }
  pickHandle(pick);
  if (fromSignin) {
    if (state.handles.length > 1 && !pick) $("handle-select").focus();
    else $("handle-title").focus();
  }
}

// pickHandle shows the tokens and the content of a handle ("" for none).
function pickHandle(handle) {
  selectHandle(handle);
  selectContent(handle);
}

function fillHandles() {
  const select = $("handle-select");
  select.replaceChildren();
  const none = state.handles.length === 0;
  $("no-handles").hidden = !none;
  $("handle-field").hidden = none;
  $("handle-new").open = none;
  const placeholder = document.createElement("option");
  placeholder.value = "";
  placeholder.textContent = "Choose a handle…";
  select.appendChild(placeholder);
  for (const h of state.handles) {
    const opt = document.createElement("option");
    opt.value = h.handle;
    let label = "@" + h.handle;
    if (h.displayName && h.displayName !== h.handle) label += " — " + h.displayName;
    if (h.role) label += " (" + h.role + ")";
    opt.textContent = label;
    select.appendChild(opt);
  }
}


// endSession forgets the session and shows the sign-in form with a note.
function endSession(note) {
  clearSession();
  selectContent("");
  hideSecret();
  if ($("revoke-dialog").open) $("revoke-dialog").close();
  showSignin(note, false);
}

// ---------------------------------------------------------------------
// Start: try to restore the session through the refresh cookie.

async function start() {
  hooks.endSession = endSession;
  setupAccount({ showView, showSignin, enterApp, notice });
  setupAccountPage();
  setupAdminPage();
  $("signin-form").addEventListener("submit", onSignin);
  $("signout").addEventListener("click", onSignout);
  $("handle-select").addEventListener("change", (e) => pickHandle(e.target.value));
  setupContent();
  $("handle-select").addEventListener("change", (e) => showHandle(e.target.value));
  setupLinks();
  $("tokens-reload").addEventListener("click", () => {
    clearBox($("app-notice"));
    loadTokens(false);
  });
  $("tokens-more").addEventListener("click", () => loadTokens(true));
  $("create-form").addEventListener("submit", onCreate);
  $("create-name").addEventListener("input", (e) => setInvalid(e.target, false));
  $("secret-copy").addEventListener("click", onCopy);
  $("secret-done").addEventListener("click", onSecretDone);
  $("revoke-cancel").addEventListener("click", () => $("revoke-dialog").close());
  $("revoke-confirm").addEventListener("click", onRevokeConfirm);
  $("revoke-dialog").addEventListener("close", onRevokeClosed);

  showView("loading");
  loadScopes();
  try {
    await refresh();
  } catch (err) {
    // No session to restore is the normal first visit.
    const quiet = err.status === 401 || err.code === "refresh_token_missing" || err.code === "invalid_refresh_token";
    showSignin(quiet ? "" : "Could not restore your session. " + describe(err), !quiet);
    return;
  }
  await enterApp(false);
}

start();
