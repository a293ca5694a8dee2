// The API client of the token dashboard: the session, whose access token
// lives in this module and nowhere else (no localStorage, no cookies of
// ours; the HttpOnly refresh cookie that /v2/auth/login sets renews it),
// and api(), which calls the API and turns error answers into ApiError.

export const $ = (id) => document.getElementById(id);

// hooks are what the page plugs in: endSession forgets the session and
// shows the sign-in form with a note.
export const hooks = { endSession: () => {} };

// ---------------------------------------------------------------------
// Session: the access token, in memory only.

export const session = {
  token: "",
  expiresAt: 0, // ms since the epoch
  timer: 0,
  refreshing: null, // the refresh under way, shared by every caller
};

export const state = {
  user: null,
  handles: [],
  handle: "", // the handle picked
  tokens: [],
  nextToken: "",
  loadSeq: 0, // drops answers for a handle no longer shown
  revoking: null, // the token the confirmation dialog is about
  scopesLoaded: false,
};

// ApiError is an error answer of the API, or a failure to reach it
// (status 0, code "network_error").
export class ApiError extends Error {
  constructor(status, body, retryAfter, authed) {
    body = body && typeof body === "object" ? body : {};
    super(body.message || "HTTP " + status);
    this.status = status;
    this.code = typeof body.error === "string" ? body.error : "";
    this.serverMessage = typeof body.message === "string" ? body.message : "";
    this.requestId = typeof body.requestId === "string" ? body.requestId : "";
    this.field = typeof body.field === "string" ? body.field : "";
    this.retryAfter = retryAfter ? parseInt(retryAfter, 10) : 0;
    this.authed = authed; // the call carried the access token
  }
}

// api calls the API and returns the decoded JSON (null for 204). With
// auth it sends the access token, and after a 401 token_expired it
// refreshes once and retries.
export async function api(method, path, { body, auth = true, retried = false } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (auth) {
    if (!session.token) throw new ApiError(401, { error: "missing_bearer_token" }, null, true);
    headers.Authorization = "Bearer " + session.token;
  }
  let resp;
  try {
    resp = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
      cache: "no-store",
    });
  } catch (e) {
    throw new ApiError(0, { error: "network_error" }, null, auth);
  }
  let data = null;
  if (resp.status !== 204) {
    const text = await resp.text();
    if (text) {
      try {
        data = JSON.parse(text);
      } catch (e) {
        data = null;
      }
    }
  }
  if (resp.ok) return data;
  const err = new ApiError(resp.status, data, resp.headers.get("Retry-After"), auth);
  if (auth && !retried && resp.status === 401 && err.code === "token_expired") {
    await refresh(); // throws when the session is over
    return api(method, path, { body, auth, retried: true });
  }
  throw err;
}

// refresh trades the refresh cookie for a new access token. Concurrent
// callers share one request: a refresh token used twice ends the session.
export function refresh() {
  if (!session.refreshing) {
    session.refreshing = (async () => {
      try {
        const data = await api("POST", "/v2/auth/refresh", { auth: false });
        setSession(data);
        return data;
      } finally {
        session.refreshing = null;
      }
    })();
  }
  return session.refreshing;
}

export function setSession(data) {
  session.token = data.accessToken;
  state.user = data.user || state.user;
  const ms = Math.max(0, Number(data.expiresIn) || 0) * 1000;
  session.expiresAt = Date.now() + ms;
  // Renew a minute before it runs out, or at 80% of a short lifetime.
  const lead = Math.min(60000, ms * 0.2);
  clearTimeout(session.timer);
  session.timer = setTimeout(renew, Math.max(1000, ms - lead));
}

async function renew() {
  if (!session.token) return;
  try {
    await refresh();
  } catch (err) {
    if (err.status === 401) {
      hooks.endSession("Your session has ended. Sign in again to continue.");
    } else if (Date.now() < session.expiresAt) {
      // A network blip: try again while the token still works.
      clearTimeout(session.timer);
      session.timer = setTimeout(renew, 10000);
    }
  }
}

// Timers sleep in background tabs: catch up when the page shows again.
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible" && session.token && Date.now() > session.expiresAt - 60000) {
    renew();
  }
});

export function clearSession() {
  clearTimeout(session.timer);
  session.token = "";
  session.expiresAt = 0;
  state.user = null;
  state.handles = [];
  state.handle = "";
  state.tokens = [];
  state.nextToken = "";
  state.loadSeq++;
}

