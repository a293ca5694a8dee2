// The analytics of a handle or one of its links: totals, clicks per day
// drawn as an SVG bar chart made here (no chart library, no network), and
// the top countries, devices and referrers.

import { $, api } from "./api.js";
import { clearBox, showError } from "./ui.js";

const view = { handle: "", slug: "", seq: 0 };
const svgNS = "http://www.w3.org/2000/svg";

// loadAnalytics shows the analytics of handle, or of its link slug ("" is
// the whole handle, null keeps the one shown).
export async function loadAnalytics(handle, slug) {
  view.handle = handle;
  if (slug !== null) view.slug = slug;
  const seq = ++view.seq;
  const box = $("analytics-error");
  clearBox(box);
  $("analytics-scope").textContent = view.slug ? "/" + handle + "/" + view.slug : "@" + handle;
  $("analytics-all").hidden = !view.slug;
  $("analytics-status").textContent = "Loading analytics…";
  const { from, to } = chartWindow(new Date());
  const path = (groupBy) => "/v2/handles/" + encodeURIComponent(handle) + "/analytics?groupBy=" + groupBy +
    "&from=" + from + "&to=" + to + (view.slug ? "&slug=" + encodeURIComponent(view.slug) : "");
  try {
    const [days, countries, devices, referrers] = await Promise.all(
      ["day", "country", "device", "referrer"].map((g) => api("GET", path(g))));
    if (seq !== view.seq) return;
    renderTotals(days.totals);
    renderChart(days.groups);
    renderTop("top-country", countries.groups, (k) => (k === "ZZ" ? "Unknown" : k));
    renderTop("top-device", devices.groups, (k) => k.charAt(0) + k.slice(1).toLowerCase());
    renderTop("top-referrer", referrers.groups, (k) => k || "Direct or unknown");
    const fresh = days.freshness && days.freshness.status === "STALE" ? " Counting is behind; numbers may be late." : "";
    $("analytics-status").textContent = "Updated " + new Date().toLocaleTimeString() + "." + fresh;
  } catch (err) {
    if (seq !== view.seq) return;
    $("analytics-status").textContent = "";
    showError(box, err);
  }
}

// chartDays is how many whole UTC days the view covers, today included.
const chartDays = 31;

// chartWindow is the view's window as whole UTC dates: the server's
// default (the 30 days before the next hour) covers 30 or 31 calendar days
// depending on the hour, so the chart asks for its days itself.
function chartWindow(now) {
  const day = (d) => d.toISOString().slice(0, 10);
  const first = new Date(now.getTime() - (chartDays - 1) * 86400000);
  return { from: day(first), to: day(now) };
}

function renderTotals(t) {
  const dl = $("analytics-totals");
  dl.replaceChildren();
  for (const [label, value] of [["Clicks", t.clicks], ["Human clicks", t.qualifiedClicks], ["Bot clicks", t.botClicks],
    ["Visitors", t.uniqueVisitors], ["Conversions", t.conversions]]) {
    const div = document.createElement("div");
    const dt = document.createElement("dt");
    dt.textContent = label;
    const dd = document.createElement("dd");
    dd.textContent = String(value);
    dd.dataset.total = label;
    div.append(dt, dd);
    dl.appendChild(div);
  }
}

function svg(name, attrs) {
  const el = document.createElementNS(svgNS, name);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

// renderChart draws one bar per day, scaled to the busiest day, with the
// first and last dates under the axis and each day's count as a tooltip.
function renderChart(groups) {
  const box = $("analytics-chart");
  box.replaceChildren();
  const W = 600, H = 160, pad = 24;
  const max = Math.max(1, ...groups.map((g) => g.clicks));
  const total = groups.reduce((n, g) => n + g.clicks, 0);
  const chart = svg("svg", { viewBox: `0 0 ${W} ${H + pad}`, role: "img", class: "bars",
    "aria-label": `Clicks per day: ${total} in ${groups.length} days, at most ${max} on one day` });
  const bw = (W - 2) / Math.max(1, groups.length);
  groups.forEach((g, i) => {
    const h = Math.round((g.clicks / max) * (H - 10));
    const bar = svg("rect", { x: 1 + i * bw + 1, y: H - h, width: Math.max(1, bw - 2), height: h, class: "bar" });
    bar.dataset.day = g.key;
    bar.dataset.clicks = g.clicks;
    const tip = svg("title", {});
    tip.textContent = `${g.key}: ${g.clicks} clicks`;
    bar.appendChild(tip);
    chart.appendChild(bar);
  });
  chart.appendChild(svg("line", { x1: 0, y1: H + 0.5, x2: W, y2: H + 0.5, class: "axis" }));
  for (const [g, anchor, x] of [[groups[0], "start", 0], [groups[groups.length - 1], "end", W]]) {
    if (!g) continue;
    const label = svg("text", { x, y: H + 16, "text-anchor": anchor, class: "axis-label" });
    label.textContent = g.key;
    chart.appendChild(label);
  }
  const top = svg("text", { x: 2, y: 10, class: "axis-label" });
  top.textContent = String(max);
  chart.appendChild(top);
  box.appendChild(chart);
}

function renderTop(id, groups, name) {
  const ol = $(id);
  ol.replaceChildren();
  const shown = groups.filter((g) => g.clicks > 0).slice(0, 5);
  if (shown.length === 0) {
    const li = document.createElement("li");
    li.className = "muted";
    li.textContent = "No clicks yet";
    ol.appendChild(li);
    return;
  }
  for (const g of shown) {
    const li = document.createElement("li");
    const k = document.createElement("span");
    k.textContent = name(g.key);
    const n = document.createElement("span");
    n.className = "count";
    n.textContent = String(g.clicks);
    li.append(k, n);
    ol.appendChild(li);
  }
}

export function setupAnalytics() {
  $("analytics-reload").addEventListener("click", () => loadAnalytics(view.handle, null));
  $("analytics-all").addEventListener("click", () => loadAnalytics(view.handle, ""));
}
