// The scope picker, built from the x-scopes catalogue of the served spec.

import { $, api, state } from "./api.js";
import { describe } from "./ui.js";

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

export async function loadScopes() {
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

