// Runs before first paint (blocking <script> in index.html) so a dark-theme reader never sees a white flash.
// Keep the storage key in sync with app/ui/theme.ts.
(function () {
  var dark;
  try {
    var saved = localStorage.getItem("theme");
    dark = saved ? saved === "dark" : matchMedia("(prefers-color-scheme: dark)").matches;
  } catch (e) {
    dark = false;
  }
  document.documentElement.classList.toggle("dark", dark);
})();
