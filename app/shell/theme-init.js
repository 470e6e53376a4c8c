// Inline in index.html's <head> (scripts/first-paint-plugin.ts puts it there without these comment
// lines; public/_headers allows it by its sha256 hash). It runs before the first paint, so the static
// shell paints in the chosen theme and shows this page's part, with no request to wait for, and it
// starts this page's code downloading early.
// Keep the storage key in sync with app/ui/theme.ts and the pages with app/App.tsx.
(function () {
  var root = document.documentElement;
  var dark;
  try {
    var saved = localStorage.getItem("theme");
    dark = saved ? saved === "dark" : matchMedia("(prefers-color-scheme: dark)").matches;
  } catch (e) {
    dark = false;
  }
  root.classList.toggle("dark", dark);
  var path = location.pathname;
  var page = path === "/" ? "chat" : /^\/c\/[^/]+$/.test(path) ? "conversation" : path === "/images" ? "images" : /^\/vision(\/[^/]+)?$/.test(path) ? "vision" : "other";
  root.setAttribute("data-shell", page);
  // Once the shell is parsed (before any module runs), its link to this page says so, as the app's does.
  document.addEventListener("readystatechange", function () {
    var link = document.querySelector('[data-shell-link="' + (page === "conversation" ? "chat" : page) + '"]');
    if (link) link.setAttribute("aria-current", "page");
  }, { once: true });
  // This page's code, if it loads on demand, starts downloading now, beside the app's entry, instead
  // of after it has run (one round trip less). The build lists each page's files in this meta tag.
  var meta = document.querySelector('meta[name="page-modules"]');
  var modules = (meta && JSON.parse(meta.content)[page]) || [];
  for (var i = 0; i < modules.length; i++) {
    var preload = document.createElement("link");
    preload.rel = "modulepreload";
    preload.crossOrigin = "";
    preload.href = modules[i];
    document.head.appendChild(preload);
  }
})();
