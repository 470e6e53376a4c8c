import { useEffect, useRef, useState } from "react";
import type { SessionInfo } from "../../contract/auth";
import { request } from "../api";
import { setSession } from "./session";

declare global {
  interface Window {
    turnstile?: {
      render(element: HTMLElement, options: { sitekey: string; callback: (token: string) => void; "error-callback"?: () => void }): string;
    };
  }
}

const SCRIPT = "https://challenges.cloudflare.com/turnstile/v0/api.js?render=explicit";

/**
 * Shown (loaded on demand) only when the deployment guards new guests with Turnstile and this browser
 * is nobody yet: the widget's token makes the guest (POST /api/session/guest), then the page works.
 */
export default function TurnstileGate({ siteKey }: { siteKey: string }) {
  const box = useRef<HTMLDivElement>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    const render = () => {
      if (cancelled || !box.current || !window.turnstile) return;
      window.turnstile.render(box.current, {
        sitekey: siteKey,
        callback: (token) =>
          void request<SessionInfo>("/api/session/guest", { method: "POST", body: JSON.stringify({ turnstileToken: token }) }).then(
            setSession,
            (error: Error) => setProblem(error.message),
          ),
        "error-callback": () => setProblem("The check could not load. Reload the page to try again."),
      });
    };
    if (window.turnstile) render();
    else {
      const script = document.createElement("script");
      script.src = SCRIPT;
      script.async = true;
      script.onload = render;
      script.onerror = () => setProblem("The check could not load. Reload the page to try again.");
      document.head.append(script);
    }
    return () => void (cancelled = true);
  }, [siteKey]);

  return (
    <section aria-label="Check that you are a person" className="border-b border-border bg-muted px-4 py-2 text-sm">
      <p>Before you start: a quick check that you are a person.</p>
      <div ref={box} />
      {problem && <p role="alert">{problem}</p>}
    </section>
  );
}
