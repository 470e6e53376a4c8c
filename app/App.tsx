import { lazy, Suspense } from "react";
import { Link, Route, Switch, useLocation, useRoute } from "wouter";
import ChatPage from "./chat/ChatPage";
import { BackendStatusBadge, EngineProblemBanner, type EngineFeature } from "./ui/BackendStatusBadge";
import { ThemeToggle } from "./ui/ThemeToggle";
import { useBackendStatus } from "./ui/useBackendStatus";

/**
 * Header links, with what each page needs from the local engine. A new page adds an entry here and
 * a <Route> in the Switch below whose component comes from React.lazy(() => import(...)), so the
 * chat page does not carry its code.
 */
const NAV_LINKS: { href: string; label: string; isCurrent: (path: string) => boolean; needs: EngineFeature }[] = [
  { href: "/", label: "Chat", isCurrent: (path) => path === "/" || path.startsWith("/c/"), needs: "text" },
  { href: "/images", label: "Images", isCurrent: (path) => path === "/images", needs: "images" },
  { href: "/vision", label: "Vision", isCurrent: (path) => path === "/vision" || path.startsWith("/vision/"), needs: "vision" },
];

const ImagesPage = lazy(() => import("./images/ImagesPage"));
const VisionPage = lazy(() => import("./vision/VisionPage"));

export function App() {
  const [path] = useLocation();
  const [isHome] = useRoute("/");
  const [isConversation, params] = useRoute<{ id: string }>("/c/:id");
  const status = useBackendStatus();

  return (
    <div className="flex h-dvh flex-col">
      <header className="flex h-14 shrink-0 items-center gap-3 border-b border-border px-3 sm:px-4">
        <Link href="/" className="flex items-center gap-2 rounded-md font-semibold">
          <img src="/favicon.svg" alt="" className="size-6" />
          <span className="hidden sm:inline">Workers AI Chat</span>
        </Link>
        <nav aria-label="Main" className="flex items-center gap-1">
          {NAV_LINKS.map((link) => {
            const current = link.isCurrent(path);
            return (
              <Link
                key={link.href}
                href={link.href}
                aria-current={current ? "page" : undefined}
                className={`rounded-md px-2.5 py-1.5 text-sm ${current ? "bg-muted font-medium" : "text-muted-foreground hover:text-foreground"}`}
              >
                {link.label}
              </Link>
            );
          })}
        </nav>
        <div className="ml-auto flex min-w-0 items-center gap-2">
          <BackendStatusBadge status={status} />
          <ThemeToggle />
        </div>
      </header>
      <EngineProblemBanner status={status} feature={NAV_LINKS.find((link) => link.isCurrent(path))?.needs ?? "text"} />
      <Suspense fallback={<p className="m-auto text-muted-foreground">Loading…</p>}>
        {isHome || isConversation ? (
          // Kept outside the Switch so "/" → "/c/:id" after a first message keeps the same ChatPage instance.
          <ChatPage routeId={params?.id} />
        ) : (
          <Switch>
            <Route path="/images" component={ImagesPage} />
            {/* One route for both, so sending the first question (/vision → /vision/:id) keeps the page. */}
            <Route path="/vision/:threadId?" component={VisionPage} />
            <Route>
              <div className="m-auto p-6 text-center">
                <h1 className="text-xl font-semibold">Page not found</h1>
                <Link href="/" className="mt-3 inline-block underline">
                  Start a chat
                </Link>
              </div>
            </Route>
          </Switch>
        )}
      </Suspense>
    </div>
  );
}
