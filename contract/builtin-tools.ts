/**
 * The built-in tools every person has (issue 23): what the model is told, what the Tools control and
 * a tool part call each one, and which ask before they run. Kept apart from ./tools.ts so the chat
 * page's first load does not carry these sentences.
 */
export interface BuiltinTool {
  name: string;
  /** What the Tools control and a tool part call it. */
  label: string;
  /** What the model is told the tool does. */
  description: string;
  /**
   * Runs only after the person allows it: a tool that spends, writes or reaches outside the app.
   * Read-only built-ins run without asking, and so does `translate` (why: see its entry). "Always
   * allow this tool in this conversation" lifts it.
   */
  needsApproval: boolean;
  /** Why it asks, in words, shown beside Allow / Deny. */
  approvalReason?: string;
  /**
   * Offered when a chat has not picked its tools. False for a tool few answers need: every tool
   * offered is its definition in the prompt of every model step (tokens paid on every answer),
   * so such a tool is on only where a chat, project or assistant names it.
   */
  onByDefault?: boolean;
}

/**
 * The longest text the `translate` tool sends in one call: the model reads one text at a time, and a
 * stranger's request may not reserve a translation's worst case without end (worker/tools/builtins/translate.ts).
 */
export const TRANSLATE_MAX_CHARS = 4_000;

export const BUILTIN_TOOLS = [
  {
    name: "generate_image",
    label: "Generate image",
    description: "Draws an image from a text description with the image studio's model and saves it to the person's gallery.",
    needsApproval: true,
    approvalReason: "It spends neurons from your budget and saves the image to your gallery.",
  },
  {
    name: "search_documents",
    label: "Search documents",
    description: "Searches the person's document library and returns numbered passages the answer can cite as [n].",
    needsApproval: false,
  },
  {
    name: "read_web_page",
    label: "Read web page",
    description: "Fetches a public http(s) web page and returns its readable text.",
    needsApproval: true,
    approvalReason: "It fetches an address on the internet from this app's server.",
  },
  {
    name: "calculate",
    label: "Calculator",
    description: "Evaluates an arithmetic expression exactly (numbers, + - * / ^ %, parentheses, common functions and units).",
    needsApproval: false,
  },
  {
    name: "date_time",
    label: "Date and time",
    description:
      "Tells the current date and time in the person's time zone, and does date arithmetic (add or subtract days, weeks, months; days between two dates).",
    needsApproval: false,
  },
  {
    name: "translate",
    label: "Translate",
    description: `Translates a text (at most ${TRANSLATE_MAX_CHARS.toLocaleString("en-US")} characters a call; split longer text at paragraph breaks) from one language into another with Workers AI's translation model (M2M100), and returns the translation.`,
    // It spends, but a few paragraphs' translation costs about what one model step of the answer does
    // (30.91 neurons per 1,000 tokens each way), from the budget those steps draw on without asking,
    // and TRANSLATE_MAX_CHARS bounds it; a Translator that asked before every message would be one
    // nobody uses. It saves nothing and reaches nothing but Workers AI.
    needsApproval: false,
    // The Translator assistant names it; elsewhere a chat switches it on in Tools. Offered to every
    // tool-capable chat it would add its definition to every model step for the few that translate.
    onByDefault: false,
  },
  {
    name: "remember",
    label: "Remember",
    description:
      "Proposes one short fact about the person to remember in later conversations (a preference, their situation, a standing request); they keep or discard it.",
    needsApproval: true,
    approvalReason: "It saves this to your memories, used in later answers (Settings → Memory).",
  },
] as const satisfies readonly BuiltinTool[];

export type BuiltinToolName = (typeof BUILTIN_TOOLS)[number]["name"];

export function findBuiltinTool(name: string): BuiltinTool | undefined {
  return BUILTIN_TOOLS.find((tool) => tool.name === name);
}
