// A new user's first minutes: create an account (then sign in with it),
// and create a handle to hold links and API tokens.

import { $, api, setSession } from "./api.js";
import { busy, clearBox, describe, fieldError, idle, setInvalid, showError } from "./ui.js";

// handlePattern is the spec's HandleCreate.handle pattern: checked here
// only to explain the rule before a round trip.
const handlePattern = /^[a-z0-9][a-z0-9-]{2,31}$/;

// page is what this module needs of the page: set by setupAccount.
let page = null;

// setupAccount wires the sign-up view and the new-handle form. p gives
// showView(name), showSignin(note, isError) and enterApp(fromSignin).
export function setupAccount(p) {
  page = p;
  $("show-signup").addEventListener("click", showSignup);
  $("show-signin").addEventListener("click", () => page.showSignin("", false));
  $("signup-form").addEventListener("submit", onSignup);
  $("handle-new-form").addEventListener("submit", onCreateHandle);
  for (const id of ["signup-email", "signup-password", "handle-new-name"]) {
    $(id).addEventListener("input", (e) => setInvalid(e.target, false));
  }
}

function showSignup() {
  page.showView("signup");
  clearBox($("signup-error"));
  $("signup-password").value = "";
  if (!$("signup-email").value) $("signup-email").value = $("signin-email").value.trim();
  $("signup-email").focus();
}

async function onSignup(ev) {
  ev.preventDefault();
  const email = $("signup-email");
  const password = $("signup-password");
  const box = $("signup-error");
  clearBox(box);
  setInvalid(email, false);
  setInvalid(password, false);
  if (!email.value.trim()) return fieldError(box, email, "Enter your email address.");
  if (!password.value) return fieldError(box, password, "Choose a password.");
  const creds = { email: email.value.trim(), password: password.value };
  const button = $("signup-submit");
  busy(button, "Creating your account…");
  try {
    await api("POST", "/v2/auth/signup", { auth: false, body: creds });
  } catch (err) {
    idle(button);
    showError(box, err, {
      conflict: "An account with this email already exists. Sign in instead, or use another email.",
    });
    const input = err.field === "password" ? password : email;
    if (err.code === "validation_error" || err.code === "conflict") {
      setInvalid(input, true);
      input.focus();
    } else {
      box.focus();
    }
    return;
  }
  await signInAs(creds, button);
}

// signInAs signs the new account in. The account exists whatever happens
// here, so a failure sends the user to the sign-in form with the reason.
async function signInAs(creds, button) {
  busy(button, "Signing in…");
  try {
    const data = await api("POST", "/v2/auth/login", { auth: false, body: creds });
    $("signup-password").value = "";
    setSession(data);
    await page.enterApp(true);
  } catch (err) {
    $("signin-email").value = creds.email;
    page.showSignin("Your account was created, but signing in failed. " + describe(err), true);
  } finally {
    $("signup-password").value = "";
    idle(button);
  }
}

async function onCreateHandle(ev) {
  ev.preventDefault();
  const name = $("handle-new-name");
  const display = $("handle-new-display");
  const box = $("handle-new-error");
  clearBox(box);
  setInvalid(name, false);
  const handle = name.value.trim();
  if (!handlePattern.test(handle)) {
    return fieldError(box, name, handle
      ? "“" + handle + "” cannot be a handle: use 3 to 32 lower-case letters, digits and hyphens, starting with a letter or digit."
      : "Choose a name for the handle.");
  }
  const body = { handle };
  if (display.value.trim()) body.displayName = display.value.trim();
  const button = $("handle-new-submit");
  busy(button, "Creating…");
  try {
    await api("POST", "/v2/handles", { body });
  } catch (err) {
    idle(button);
    if (!showError(box, err, { conflict: "The handle @" + handle + " is taken. Choose another name." })) return;
    if (err.code === "conflict" || err.code === "validation_error") {
      setInvalid(name, true);
      name.focus();
    } else {
      box.focus();
    }
    return;
  }
  idle(button);
  $("handle-new-form").reset();
  history.replaceState(null, "", "#" + encodeURIComponent(handle));
  await page.enterApp(false);
  page.notice("The handle @" + handle + " was created, and you are its OWNER. Create its first API token below.");
  $("tokens-title").focus();
}
