// Starts the app's first reads as soon as the page is parsed, while its
// wasm is still on its way: the session check (`GET /api/session`) and, when
// the page is the client list, the list's first page. The app's own requests
// (`HttpApi`: same URL, with credentials) then take these answers instead of
// asking a round trip after the wasm has loaded. A URL built differently
// here would only be read twice; the end-to-end test "first reads" checks
// that each is read once.
const base = document.querySelector('meta[name="clientele-api-base"]')?.content ?? "";

function preload(path) {
  const link = document.createElement("link");
  link.rel = "preload";
  link.as = "fetch";
  link.crossOrigin = "use-credentials";
  link.href = base + path;
  document.head.append(link);
}

preload("/api/session");

// The list's view from the URL, as `ListView::of` reads it, and its first
// page's path, as `ListQuery::page_path` builds it (app/src/api/list.rs)
// and `HttpApi` sends it: the query serialised by `URLSearchParams`.
if (location.pathname === "/clients") {
  const url = new URLSearchParams(location.search);
  const status = url.get("tab") === "deactivated" ? "deactivated" : "active";
  const search = (url.get("q") ?? "").trim();
  const sort = url.get("sort") === "updated" ? "updated" : "name";
  const page = (q, limit) =>
    `/api/clients?${new URLSearchParams({ status, q, sort, offset: "0", limit: String(limit) })}`;
  preload(page(search, 100));
  // With a search, the tabs' counts come from a read of the whole tab
  // with no rows (`Store::read_counts`).
  if (search !== "") preload(page("", 0));
}
