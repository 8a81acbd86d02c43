// The baseline list: fetch both tabs once, render the selected one in full
// (or, with `?first=N`, the first N rows of the active tab).
"use strict";
const rows = { active: [], deactivated: [] };
const body = document.querySelector("tbody");

function render(status) {
  const fragment = document.createDocumentFragment();
  for (const client of rows[status]) {
    const tr = document.createElement("tr");
    const name = document.createElement("td");
    const link = document.createElement("a");
    link.href = `/clients/${client.id}`;
    link.textContent = client.name;
    name.append(link);
    tr.append(name);
    for (const text of [client.business_count, client.owner.name, client.updated_at]) {
      const td = document.createElement("td");
      td.textContent = text;
      tr.append(td);
    }
    const action = document.createElement("td");
    const button = document.createElement("button");
    button.textContent = status === "active" ? "Manage" : "Reactivate";
    action.append(button);
    tr.append(action);
    fragment.append(tr);
  }
  body.replaceChildren(fragment);
  for (const tab of document.querySelectorAll("[role=tab]")) {
    tab.setAttribute("aria-selected", String(tab.dataset.status === status));
  }
}

for (const tab of document.querySelectorAll("[role=tab]")) {
  tab.addEventListener("click", () => render(tab.dataset.status));
}

// With `?first=N`, only the first N rows of the active tab, as the app
// reads a long list; otherwise both tabs whole.
const first = new URLSearchParams(location.search).get("first");
const read = (status, limit) =>
  fetch(`/api/clients?status=${status}&sort=name&limit=${limit}`)
    .then((answer) => answer.json())
    .then((page) => { rows[status] = page.items; });
(first ? read("active", Number(first)) : Promise.all(["active", "deactivated"].map((status) => read(status, 10000))))
  .then(() => render("active"));
