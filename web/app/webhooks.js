// Webhooks of the picked handle: subscribe an endpoint to some or all
// events (the signing secret is shown once), send a test event, see each
// subscription's deliveries with their status and the receiver's answer,
// deliver one again, disable or enable a subscription, delete it.
// Everything from the API goes on the page with textContent, never parsed
// as HTML.

import { $, api } from "./api.js";
import { busy, button, cell as td, clearBox, fieldError, idle, loadList, showError } from "./ui.js";

// The event types of the spec's WebhookEventType, besides "*".
const eventTypes = [
  "link.created", "link.updated", "link.deleted", "link.clicked", "token.created", "token.revoked",
  "file.uploaded", "deployment.activated", "page.published", "campaign.published", "conversion.recorded",
  "webhook.test", "webhook.disabled",
];

let handle = "";
let seq = 0; // drops answers for a handle no longer shown
let shown = ""; // the subscription whose deliveries are shown

function base() {
  return "/v2/handles/" + encodeURIComponent(handle) + "/webhooks";
}

document.addEventListener("tenx:handle", (ev) => {
  handle = ev.detail || "";
  seq++;
  shown = "";
  $("webhooks-section").hidden = !handle;
  $("deliveries-panel").hidden = true;
  $("webhook-secret-box").hidden = true;
  for (const id of ["webhooks-error", "webhooks-notice"]) clearBox($(id));
  if (handle) loadWebhooks();
});

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });

function when(iso) {
  const d = new Date(iso);
  return isNaN(d) ? String(iso || "") : dateFormat.format(d);
}

function note(text) {
  const p = $("webhooks-notice");
  p.textContent = text;
  p.hidden = !text;
}

// The event picker: "All events" or any of the types.
function renderPicker() {
  const root = $("webhook-events");
  root.replaceChildren();
  for (const [i, t] of [["*", "All events"], ...eventTypes.map((t) => [t, t])].entries()) {
    const row = document.createElement("div");
    row.className = "scope";
    const input = document.createElement("input");
    input.type = "checkbox";
    input.id = "webhook-event-" + i;
    input.value = t[0];
    input.name = "eventTypes";
    const label = document.createElement("label");
    label.htmlFor = input.id;
    const code = document.createElement("code");
    code.textContent = t[1];
    label.appendChild(code);
    row.append(input, label);
    root.appendChild(row);
  }
}
renderPicker();

$("webhook-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const form = $("webhook-form");
  const errBox = $("webhooks-error");
  clearBox(errBox);
  note("");
  const url = $("webhook-url").value.trim();
  const types = [...form.querySelectorAll('input[name="eventTypes"]:checked')].map((i) => i.value);
  if (!url) return fieldError(errBox, $("webhook-url"), "Enter the URL that receives the events.");
  if (types.length === 0) return fieldError(errBox, form.querySelector('input[name="eventTypes"]'), "Pick at least one event.");
  const body = { endpointUrl: url, eventTypes: types.includes("*") ? ["*"] : types };
  const description = $("webhook-description").value.trim();
  if (description) body.description = description;
  const btn = $("webhook-create");
  busy(btn, "Adding…");
  try {
    const created = await api("POST", base(), { body });
    $("webhook-secret").textContent = created.secret;
    $("webhook-secret-box").hidden = false;
    form.reset();
    await loadWebhooks();
  } catch (err) {
    showError(errBox, err);
  } finally {
    idle(btn);
  }
});

$("webhooks-reload").addEventListener("click", () => {
  loadWebhooks();
  if (shown) loadDeliveries(shown);
});

function loadWebhooks() {
  const mine = seq;
  return loadList({ prefix: "webhooks", path: base() + "?limit=100", key: "webhooks", loading: "Loading webhooks…",
    current: () => mine === seq, render: renderWebhooks });
}

function renderWebhooks(list) {
  const body = $("webhooks-body");
  body.replaceChildren();
  $("webhooks-table").hidden = list.length === 0;
  $("webhooks-status").textContent = list.length === 0 ? "No webhooks yet." : "";
  for (const w of list) {
    const tr = document.createElement("tr");
    tr.dataset.id = w.subscriptionId;
    const ep = td(tr, "Endpoint", w.endpointUrl);
    ep.className = "webhook-url";
    td(tr, "Events", (w.eventTypes || []).join(", "));
    const st = td(tr, "Status", w.enabled ? "Enabled" : "Disabled" + (w.disabledReason ? ": " + w.disabledReason : ""));
    st.className = "webhook-status";
    const actions = td(tr, "Actions");
    actions.append(
      button("Send test", "btn-quiet webhook-test", () => testWebhook(w)),
      button("Deliveries", "btn-quiet webhook-deliveries", () => loadDeliveries(w.subscriptionId)),
      button(w.enabled ? "Disable" : "Enable", "btn-quiet webhook-toggle", () => toggleWebhook(w)),
      button("Delete", "btn-danger webhook-delete", () => deleteWebhook(w)),
    );
    body.appendChild(tr);
  }
}

async function testWebhook(w) {
  clearBox($("webhooks-error"));
  try {
    const q = await api("POST", base() + "/" + encodeURIComponent(w.subscriptionId) + "/test");
    note("Test event " + q.eventId + " queued for " + w.endpointUrl + ".");
    await loadDeliveries(w.subscriptionId);
  } catch (err) {
    showError($("webhooks-error"), err, { conflict: "This webhook is disabled: enable it to send a test event." });
  }
}

async function toggleWebhook(w) {
  clearBox($("webhooks-error"));
  try {
    await api("PATCH", base() + "/" + encodeURIComponent(w.subscriptionId), { body: { enabled: !w.enabled } });
    note(w.enabled ? "Webhook disabled." : "Webhook enabled.");
    await loadWebhooks();
  } catch (err) {
    showError($("webhooks-error"), err);
  }
}

async function deleteWebhook(w) {
  if (!window.confirm("Delete the webhook to " + w.endpointUrl + " and its delivery log?")) return;
  clearBox($("webhooks-error"));
  try {
    await api("DELETE", base() + "/" + encodeURIComponent(w.subscriptionId));
    note("Webhook deleted.");
    if (shown === w.subscriptionId) {
      shown = "";
      $("deliveries-panel").hidden = true;
    }
    await loadWebhooks();
  } catch (err) {
    showError($("webhooks-error"), err);
  }
}

async function loadDeliveries(id) {
  const mine = seq;
  shown = id;
  $("deliveries-panel").hidden = false;
  $("deliveries-status").textContent = "Loading deliveries…";
  try {
    const data = await api("GET", base() + "/" + encodeURIComponent(id) + "/deliveries?limit=50");
    if (mine !== seq || shown !== id) return;
    renderDeliveries(id, Array.isArray(data.deliveries) ? data.deliveries : []);
  } catch (err) {
    if (mine !== seq) return;
    $("deliveries-status").textContent = "";
    showError($("webhooks-error"), err);
  }
}

function lastAttempt(d) {
  const a = (d.attempts || [])[d.attempts.length - 1];
  if (!a) return { text: "Not attempted yet", response: "" };
  const outcome = a.statusCode ? "HTTP " + a.statusCode : a.error || "no answer";
  return {
    text: "#" + a.attempt + " at " + when(a.at) + ": " + outcome + " in " + a.durationMs + " ms" +
      (d.nextRetryAt ? "; next retry " + when(d.nextRetryAt) : ""),
    response: a.response || (a.statusCode ? "" : a.error || ""),
  };
}

let poll = 0; // the timer that reloads deliveries while some are pending

function renderDeliveries(id, list) {
  clearTimeout(poll);
  if (list.some((d) => d.status === "PENDING")) {
    const mine = seq;
    poll = setTimeout(() => {
      if (mine === seq && shown === id) loadDeliveries(id);
    }, 1000);
  }
  const body = $("deliveries-body");
  body.replaceChildren();
  $("deliveries-table").hidden = list.length === 0;
  $("deliveries-status").textContent = list.length === 0 ? "No deliveries yet." : "";
  for (const d of list) {
    const tr = document.createElement("tr");
    tr.dataset.id = d.deliveryId;
    td(tr, "Event", d.eventType + " (" + d.eventId + ")");
    const st = td(tr, "Status", d.status);
    st.className = "delivery-status";
    const last = lastAttempt(d);
    td(tr, "Last attempt", last.text);
    const resp = td(tr, "Response");
    const pre = document.createElement("code");
    pre.className = "delivery-response";
    pre.textContent = last.response.length > 200 ? last.response.slice(0, 200) + "…" : last.response;
    resp.appendChild(pre);
    const actions = td(tr, "Actions");
    if (d.status !== "PENDING") {
      actions.append(button("Redeliver", "btn-quiet delivery-redeliver", () => redeliver(id, d)));
    }
    body.appendChild(tr);
  }
}

async function redeliver(id, d) {
  clearBox($("webhooks-error"));
  try {
    await api("POST", base() + "/" + encodeURIComponent(id) + "/deliveries/" + encodeURIComponent(d.deliveryId) + "/redeliver");
    note("Delivery of " + d.eventType + " queued again.");
    await loadDeliveries(id);
  } catch (err) {
    showError($("webhooks-error"), err, { conflict: "That delivery is still in progress." });
  }
}
