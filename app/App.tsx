import { lazy, Suspense } from "react";
import { Link, Route, Switch, useLocation, useRoute } from "wouter";
import { AccountMenu, SignInNotice } from "./account/AccountMenu";
import ChatPage from "./chat/ChatPage";
import { AssistantsPage, ImagesPage, VisionPage } from "./pages";
import { BackendStatusBadge, EngineProblemBanner, type EngineFeature } from "./ui/BackendStatusBadge";
import { HeaderMenu } from "./ui/HeaderMenu";
import { ThemeToggle } from "./ui/ThemeToggle";
import { useBackendStatus } from "./ui/useBackendStatus";

/**
 * Header links, with what each page needs from the local engine. A new page adds an entry here, a
 * <Route> in the Switch below whose component loads on demand (app/pages.ts), so the chat page does
 * not carry its code, and its part of the static shell (index.html, app/shell/).
 */
const NAV_LINKS: { href: string; label: string; isCurrent: (path: string) => boolean; needs: EngineFeature }[] = [
  { href: "/", label: "Chat", isCurrent: (path) => path === "/" || path.startsWith("/c/"), needs: "text" },
  { href: "/images", label: "Images", isCurrent: (path) => path === "/images", needs: "images" },
  { href: "/vision", label: "Vision", isCurrent: (path) => path === "/vision" || path.startsWith("/vision/"), needs: "vision" },
  { href: "/documents", label: "Documents", isCurrent: (path) => path === "/documents", needs: "text" },
];

/** Pages of the person's own settings, linked after the navigation. */
const SETTINGS_LINKS = [
  ["/connectors", "Connectors"],
  ["/memory", "Memory"],
  ["/assistants", "Assistants"],
] as const;

const UsagePage = lazy(() => import("./usage/UsagePage"));
const MyUsagePage = lazy(() => import("./usage/MyUsagePage"));
const AccountPage = lazy(() => import("./account/AccountPage"));
const DataPage = lazy(() => import("./transfer/DataPage"));
const DocumentsPage = lazy(() => import("./documents/DocumentsPage"));
const ConnectorsPage = lazy(() => import("./connectors/ConnectorsPage"));
const MemoryPage = lazy(() => import("./memory/MemoryPage"));

/** A header link to a page outside the main navigation (owner's usage, settings pages). */
function HeaderLink({ href, current, label, className = "" }: { href: string; current: boolean; label: string; className?: string }) {
  return (
    <Link
      href={href}
      aria-current={current ? "page" : undefined}
      className={`shrink-0 rounded-md px-2 py-1.5 text-sm sm:px-2.5 ${current ? "bg-muted font-medium" : "text-muted-foreground hover:text-foreground"} ${className}`}
    >
      {label}
    </Link>
  );
}

export function App() {
  const [path] = useLocation();
  const [isHome] = useRoute("/");
  const [isConversation, params] = useRoute<{ id: string }>("/c/:id");
  const status = useBackendStatus();

  return (
    <div className="flex h-dvh flex-col">
      <header className="relative flex h-14 shrink-0 items-center gap-2 border-b border-border px-3 sm:gap-3 sm:px-4">
        {/* shrink-0 here and on the nav: what fills in after the first paint (status, budget) truncates instead of moving them. */}
        {/* Below sm the logo gives its room to the navigation (the Chat link goes to the same place). */}
        <Link href="/" className="hidden shrink-0 items-center gap-2 rounded-md font-semibold sm:flex">
          <img src="/favicon.svg" alt="" className="size-6" />
          <span className="max-xl:hidden">Workers AI Chat</span>
        </Link>
        <nav aria-label="Main" className="flex shrink-0 items-center gap-1">
          {NAV_LINKS.map((link) => {
            const current = link.isCurrent(path);
            return (
              <Link
                key={link.href}
                href={link.href}
                aria-current={current ? "page" : undefined}
                className={`rounded-md px-2 py-1.5 text-sm sm:px-2.5 ${current ? "bg-muted font-medium" : "text-muted-foreground hover:text-foreground"}`}
              >
                {link.label}
              </Link>
            );
          })}
          {status?.owner && <HeaderLink href="/usage" label="Usage" current={path === "/usage"} className="max-lg:hidden" />}
        </nav>
        <HeaderMenu>
          {/* On a phone or narrow tablet the owner's fifth link would push the navigation off screen: it moves into the menu. */}
          {status?.owner && <HeaderLink href="/usage" label="Usage" current={path === "/usage"} className="lg:hidden" />}
          {/* Connectors, Memory, Assistants: in the header from lg, in the menu below it (at 768–1023 px they did not fit beside the navigation). */}
          {SETTINGS_LINKS.map(([href, label]) => (
            <HeaderLink key={href} href={href} label={label} current={path === href} />
          ))}
          <BackendStatusBadge status={status} />
          <ThemeToggle />
          <AccountMenu />
        </HeaderMenu>
      </header>
      <SignInNotice />
      <EngineProblemBanner status={status} feature={NAV_LINKS.find((link) => link.isCurrent(path))?.needs ?? "text"} />
      <Suspense fallback={<p className="m-auto text-muted-foreground">Loading…</p>}>
        {isHome || isConversation ? (
          // Kept outside the Switch so "/" → "/c/:id" after a first message keeps the same ChatPage instance.
          <ChatPage routeId={params?.id} />
        ) : (
          <Switch>
            <Route path="/images" component={ImagesPage} />
            {/* Owner only: the Worker refuses anyone else, and the page says so. */}
            <Route path="/usage" component={UsagePage} />
            <Route path="/usage/mine" component={MyUsagePage} />
            <Route path="/account" component={AccountPage} />
            {/* One route for both, so sending the first question (/vision → /vision/:id) keeps the page. */}
            <Route path="/vision/:threadId?" component={VisionPage} />
            <Route path="/data" component={DataPage} />
            <Route path="/documents" component={DocumentsPage} />
            <Route path="/connectors" component={ConnectorsPage} />
            <Route path="/memory" component={MemoryPage} />
            <Route path="/assistants" component={AssistantsPage} />
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
