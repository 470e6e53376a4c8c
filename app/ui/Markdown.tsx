import { createPortal } from "react-dom";
import {
  Streamdown,
  defaultComponents,
  defaultRehypePlugins,
  type Components,
  type LinkSafetyConfig,
  type PluginConfig,
  type UrlTransform,
} from "streamdown";
import { createWorkerHighlighter } from "./code-highlighter";
import { LeaveAppDialog } from "./LeaveAppDialog";
import { useKeyboardScrollable } from "./useKeyboardScrollable";

/*
 * Model output is untrusted (prompt injection), so:
 * - no rehype-raw: HTML in the text shows as text instead of becoming elements;
 * - rehype-sanitize stays as a second net;
 * - rehype-harden blocks every image, since a remote image URL can leak conversation text;
 * - `urlTransform` keeps only http, https and mailto links (harden alone also lets irc:, xmpp:, blob: through).
 */
const [hardenPlugin] = defaultRehypePlugins.harden as [unknown, unknown];
const rehypePlugins = [
  defaultRehypePlugins.sanitize,
  [hardenPlugin, { allowedLinkPrefixes: ["*"], allowedImagePrefixes: [], allowedProtocols: [], allowDataImages: false }],
] as NonNullable<Parameters<typeof Streamdown>[0]["rehypePlugins"]>;

const SAFE_URL = /^(?:https?:|mailto:|#)/i;
const urlTransform: UrlTransform = (url) => (SAFE_URL.test(url.trim()) ? url : null);

// A link whose URL was dropped above would still look clickable; show its text plainly instead.
const DefaultLink = defaultComponents.a;
const components: Components = {
  a: (props) => (props.href ? <DefaultLink {...props} /> : <span>{props.children}</span>),
};

// A link leaving the app opens only after LeaveAppDialog has shown where it goes (Streamdown renders
// links as buttons while this is on); a link within the app opens without asking.
const linkSafety: LinkSafetyConfig = {
  enabled: true,
  onLinkCheck: (url) => {
    try {
      return new URL(url, window.location.href).origin === window.location.origin;
    } catch {
      return false;
    }
  },
  renderModal: ({ isOpen, url, onConfirm, onClose }) =>
    isOpen ? createPortal(<LeaveAppDialog url={url} onOpen={onConfirm} onClose={onClose} />, document.body) : null,
};

const controls = {
  code: { copy: true, download: false },
  table: { copy: true, download: false, fullscreen: false },
  mermaid: false,
} as const;

// Shiki is large and compiles each language's grammar in one long task, so it runs in a Web Worker
// (code-highlighter.ts) started only once some text has a code fence, and only once per page.
let codePlugins: PluginConfig | undefined;
function codePluginsFor(text: string): PluginConfig | undefined {
  const wanted = text.includes("```") || text.includes("~~~");
  if (wanted && !codePlugins) {
    const code = createWorkerHighlighter();
    // Without a worker, code blocks still render, as plain text.
    if (code) codePlugins = { code };
  }
  return wanted ? codePlugins : undefined;
}

export default function Markdown({ children, streaming = false }: { children: string; streaming?: boolean }) {
  const plugins = codePluginsFor(children);
  const ref = useKeyboardScrollable<HTMLDivElement>();
  // display: contents, so the wrapper (there for the ref) changes no layout.
  return (
    <div ref={ref} className="contents">
      <Streamdown
        className="min-w-0 break-words text-[0.95rem] leading-relaxed"
        isAnimating={streaming}
        plugins={plugins}
        rehypePlugins={rehypePlugins}
        urlTransform={urlTransform}
        components={components}
        controls={controls}
        linkSafety={linkSafety}
      >
        {children}
      </Streamdown>
    </div>
  );
}
