// tenx token dashboard. Plain JavaScript, no dependencies, no build step.
//
// It uses only the public API. The access token lives in this closure and
// nowhere else (no localStorage, no cookies of ours); the HttpOnly refresh
// cookie that /v2/auth/login sets renews it. Everything that came from the
// API is put on the page with textContent, never parsed as HTML.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);

  // ---------------------------------------------------------------------
  // Session: the access token, in memory only.

  const session = {
    token: "",
    expiresAt: 0, // ms since the epoch
    timer: 0,
    refreshing: null, // the refresh under way, shared by every caller
  };

  const state = {
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
  class ApiError extends Error {
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
  async function api(method, path, { body, auth = true, retried = false } = {}) {
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
  function refresh() {
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

  function setSession(data) {
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
        endSession("Your session has ended. Sign in again to continue.");
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

  function clearSession() {
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

  // endSession forgets the session and shows the sign-in form with a note.
  function endSession(note) {
    clearSession();
    hideSecret();
    if ($("revoke-dialog").open) $("revoke-dialog").close();
    showSignin(note, false);
  }

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

  function handleName() {
    return state.handle ? "@" + state.handle : "this handle";
  }

  function sentence(s) {
    s = String(s || "").trim();
    if (!s) return "";
    s = s.charAt(0).toUpperCase() + s.slice(1);
    return /[.!?]$/.test(s) ? s : s + ".";
  }

  // describe turns an error into a sentence a person can act on. what says
  // what was being done, for not_found.
  function describe(err, what) {
    if (!(err instanceof ApiError)) {
      return "Something went wrong in this page: " + sentence(err && err.message ? err.message : String(err));
    }
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
        return what || "That was not found: it does not exist, or you cannot see it.";
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
    const names = { name: "name", scopes: "scopes", expiresInDays: "expiry" };
    const key = String(field).replace(/^.*[./]/, "");
    return names[key] || field;
  }

  // showError fills an alert box. A dead session sends the user to sign in
  // instead. It returns false when it did that.
  function showError(box, err, what) {
    if (err instanceof ApiError && err.authed && err.status === 401) {
      endSession(describe(err));
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

  function clearBox(box) {
    box.hidden = true;
    box.replaceChildren();
  }

  // ---------------------------------------------------------------------
  // Views.

  function showView(name) {
    $("loading").hidden = name !== "loading";
    $("view-signin").hidden = name !== "signin";
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

    const wanted = decodeURIComponent(location.hash.replace(/^#/, ""));
    const known = (h) => state.handles.some((x) => x.handle === h);
    let pick = "";
    if (wanted && known(wanted)) pick = wanted;
    else if (state.handles.length === 1) pick = state.handles[0].handle;
    if (pick) {
      $("handle-select").value = pick;
      selectHandle(pick);
    } else {
      selectHandle("");
    }
    if (fromSignin) {
      if (state.handles.length > 1 && !pick) $("handle-select").focus();
      else $("handle-title").focus();
    }
  }

  function fillHandles() {
    const select = $("handle-select");
    select.replaceChildren();
    const none = state.handles.length === 0;
    $("no-handles").hidden = !none;
    $("handle-field").hidden = none;
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

  // ---------------------------------------------------------------------
  // Tokens of the picked handle.

  function selectHandle(handle) {
    state.handle = handle;
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

  async function loadTokens(more) {
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
  // Scope picker, from the x-scopes catalogue of the served spec, with the
  // family wildcards of x-scope-families last in each group.

  const groupTitles = {
    links: "Links",
    analytics: "Analytics",
    webhooks: "Webhooks",
    files: "Files",
    site: "Site deployments",
    pages: "Pages",
    tracking: "Tracking templates",
    chain: "Chain signals",
    personalization: "Personalization",
    audit: "Audit events",
    usage: "Usage meters",
  };

  async function loadScopes() {
    const status = $("scopes-status");
    let scopes;
    try {
      const spec = await api("GET", "/openapi.json", { auth: false });
      scopes = spec && Array.isArray(spec["x-scopes"]) ? spec["x-scopes"] : null;
      if (!scopes || scopes.length === 0) throw new Error("the API did not publish its scopes");
      if (Array.isArray(spec["x-scope-families"])) scopes = scopes.concat(spec["x-scope-families"]);
    } catch (err) {
      status.textContent = "Could not load the list of scopes. " + describe(err) + " Reload the page to try again.";
      status.classList.add("error-text");
      $("create-submit").disabled = true;
      return;
    }
    const groups = new Map();
    for (const s of scopes) {
      if (!s || typeof s.name !== "string") continue;
      const key = s.name.split(".")[0];
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(s);
    }
    const root = $("scope-groups");
    root.replaceChildren();
    let i = 0;
    for (const [key, list] of groups) {
      const fs = document.createElement("fieldset");
      fs.className = "scope-group";
      const legend = document.createElement("legend");
      legend.textContent = groupTitles[key] || key.charAt(0).toUpperCase() + key.slice(1);
      fs.appendChild(legend);
      for (const s of list) {
        const id = "scope-" + i++;
        const row = document.createElement("div");
        row.className = "scope";
        const input = document.createElement("input");
        input.type = "checkbox";
        input.id = id;
        input.name = "scopes";
        input.value = s.name;
        input.setAttribute("aria-describedby", id + "-desc");
        const label = document.createElement("label");
        label.htmlFor = id;
        const code = document.createElement("code");
        code.textContent = s.name;
        label.appendChild(code);
        const desc = document.createElement("span");
        desc.id = id + "-desc";
        desc.className = "hint scope-desc";
        desc.textContent = s.description || "";
        row.append(input, label, desc);
        fs.appendChild(row);
      }
      root.appendChild(fs);
    }
    status.textContent = "";
    status.hidden = true;
    state.scopesLoaded = true;
  }

  // ---------------------------------------------------------------------
  // Create a token, then show its secret once.

  async function onCreate(ev) {
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

  function hideSecret() {
    $("secret-value").value = "";
    $("secret-panel").hidden = true;
    delete $("secret-panel").dataset.tokenId;
  }

  async function onCopy() {
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

  function onSecretDone() {
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

  async function onRevokeConfirm() {
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

  function onRevokeClosed() {
    // The close event comes a task later: the dialog may be open again,
    // for another click, by the time it arrives.
    if ($("revoke-dialog").open) return;
    const pending = state.revoking;
    state.revoking = null;
    // Cancelled: give focus back to the button that opened the dialog.
    if (pending && pending.opener && pending.opener.isConnected) pending.opener.focus();
  }

  function notice(text) {
    const box = $("app-notice");
    box.textContent = text;
    box.hidden = false;
  }

  // ---------------------------------------------------------------------
  // Small helpers.

  function setInvalid(input, invalid) {
    if (!input) return;
    if (invalid) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  }

  function fieldError(box, input, text) {
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

  function busy(button, text) {
    if (!button.dataset.label) button.dataset.label = button.textContent;
    button.textContent = text;
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
  }

  function idle(button) {
    if (button.dataset.label) button.textContent = button.dataset.label;
    delete button.dataset.label;
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }

  // ---------------------------------------------------------------------
  // Start: try to restore the session through the refresh cookie.

  async function start() {
    $("signin-form").addEventListener("submit", onSignin);
    $("signout").addEventListener("click", onSignout);
    $("handle-select").addEventListener("change", (e) => selectHandle(e.target.value));
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
})();
