// Errors in words, and the small helpers every form of the dashboard
// shares. Everything that came from the API goes on the page with
// textContent, never parsed as HTML.

import { $, api, ApiError, state, hooks } from "./api.js";

// ---------------------------------------------------------------------
// Errors in words.

const sessionCodes = new Set([
  "missing_bearer_token",
  "invalid_token",
  "invalid_token_format",
  "token_expired",
  "token_revoked",
  "refresh_token_missing",
  "invalid_refresh_token",
]);

export function handleName() {
  return state.handle ? "@" + state.handle : "this handle";
}

export function sentence(s) {
  s = String(s || "").trim();
  if (!s) return "";
  s = s.charAt(0).toUpperCase() + s.slice(1);
  return /[.!?]$/.test(s) ? s : s + ".";
}

// describe turns an error into a sentence a person can act on. what is
// the sentence for not_found, or an object of sentences by error code.
export function describe(err, what) {
  if (!(err instanceof ApiError)) {
    return "Something went wrong in this page: " + sentence(err && err.message ? err.message : String(err));
  }
  const own = what && typeof what === "object" ? what[err.code] : "";
  if (own) return own;
  switch (err.code) {
    case "network_error":
      return "Could not reach the tenx server. Check your connection and try again.";
    case "invalid_credentials":
      return "That email and password do not match an account. Check both and try again.";
    case "insufficient_role":
      return (
        "You do not have the role needed to manage the API tokens of " + handleName() +
        ". That takes the OPERATOR or OWNER role; ask the handle's owner to make you an operator."
      );
    case "insufficient_scope":
      return "This credential is not allowed to do that. " + sentence(err.serverMessage);
    case "validation_error":
      return (
        "The server did not accept " + (err.field ? "the " + fieldName(err.field) : "the form") +
        ": " + (sentence(err.serverMessage) || "check it and try again.")
      );
    case "invalid_payload":
      return "The server could not read the request. Reload the page and try again.";
    case "not_found":
      return (typeof what === "string" && what) || "That was not found: it does not exist, or you cannot see it.";
    case "rate_limited":
      return (
        "Too many requests. Wait " +
        (err.retryAfter > 0 ? err.retryAfter + (err.retryAfter === 1 ? " second" : " seconds") : "a moment") +
        " and try again."
      );
    case "payload_too_large":
      return "The request was too large for the server.";
    case "unavailable":
      return "The service is unavailable right now. Try again in a moment.";
    case "internal_error":
      return "Something went wrong on the server. Try again; if it keeps happening, give the request ID below to your administrator.";
    case "signup_closed":
    case "conflict":
    case "gone":
      return sentence(err.serverMessage) || "The server refused the request.";
  }
  if (sessionCodes.has(err.code)) return "Your session has ended. Sign in again to continue.";
  if (err.serverMessage) return sentence(err.serverMessage);
  return "The server answered with an unexpected error (HTTP " + err.status + "). Try again.";
}

function fieldName(field) {
  const names = {
    name: "name",
    scopes: "scopes",
    expiresInDays: "expiry",
    email: "email address",
    password: "password",
    handle: "handle",
    displayName: "display name",
  };
  const key = String(field).replace(/^.*[./]/, "");
  return names[key] || field;
}

// showError fills an alert box. A dead session sends the user to sign in
// instead. It returns false when it did that.
export function showError(box, err, what) {
  if (err instanceof ApiError && err.authed && err.status === 401) {
    hooks.endSession(describe(err));
    return false;
  }
  box.replaceChildren();
  const p = document.createElement("p");
  p.textContent = describe(err, what);
  box.appendChild(p);
  if (err instanceof ApiError && (err.code || err.requestId)) {
    const small = document.createElement("p");
    small.className = "error-meta";
    const bits = [];
    if (err.code && err.code !== "network_error") bits.push("Error code: " + err.code);
    if (err.requestId) bits.push("Request ID: " + err.requestId);
    small.textContent = bits.join(" · ");
    if (bits.length) box.appendChild(small);
  }
  box.hidden = false;
  return true;
}

export function clearBox(box) {
  box.hidden = true;
  box.replaceChildren();
}


// ---------------------------------------------------------------------
// Small helpers.

export function setInvalid(input, invalid) {
  if (!input) return;
  if (invalid) input.setAttribute("aria-invalid", "true");
  else input.removeAttribute("aria-invalid");
}

export function fieldError(box, input, text) {
  box.replaceChildren();
  const p = document.createElement("p");
  p.textContent = text;
  box.appendChild(p);
  box.hidden = false;
  if (input) {
    setInvalid(input, input.type !== "checkbox");
    input.focus();
  }
}

export function busy(button, text) {
  if (!button.dataset.label) button.dataset.label = button.textContent;
  button.textContent = text;
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
}

export function idle(button) {
  if (button.dataset.label) button.textContent = button.dataset.label;
  delete button.dataset.label;
  button.disabled = false;
  button.removeAttribute("aria-busy");
}

// ---------------------------------------------------------------------
// Lists and tables.

// loadList fills a list of the page from GET path: "<prefix>-status" says
// loading (with the loading text), "<prefix>-error" shows a failure, and
// render gets the array under key, unless current() says that the page
// has moved on (another handle, a newer load) in the meantime.
export async function loadList({ prefix, path, key, loading = "Loading…", current, render }) {
  const box = $(prefix + "-error");
  clearBox(box);
  $(prefix + "-status").textContent = loading;
  try {
    const data = await api("GET", path);
    if (!current()) return;
    render(Array.isArray(data[key]) ? data[key] : []);
  } catch (err) {
    if (!current()) return;
    $(prefix + "-status").textContent = "";
    showError(box, err);
  }
}

// cell appends a table cell labelled for the narrow layout (data-label)
// to tr, with text when given, and returns it.
export function cell(tr, label, text) {
  const c = document.createElement("td");
  c.dataset.label = label;
  if (text !== undefined) c.textContent = text;
  tr.appendChild(c);
  return c;
}

// button is a button with classes "btn" and cls; a click calls
// onClick(button).
export function button(text, cls, onClick) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = "btn " + (cls || "");
  b.textContent = text;
  b.addEventListener("click", () => onClick(b));
  return b;
}
