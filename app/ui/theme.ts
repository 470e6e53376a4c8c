import { useState } from "react";

/** Same key as app/shell/theme-init.js, which applies the saved choice before first paint. */
const STORAGE_KEY = "theme";

export function useTheme(): { dark: boolean; toggle: () => void } {
  const [dark, setDark] = useState(() => document.documentElement.classList.contains("dark"));
  const toggle = () => {
    const next = !dark;
    document.documentElement.classList.toggle("dark", next);
    try {
      localStorage.setItem(STORAGE_KEY, next ? "dark" : "light");
    } catch {
      // Storage can be off (private mode); the toggle still works for this page.
    }
    setDark(next);
  };
  return { dark, toggle };
}
