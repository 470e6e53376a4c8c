/** An answer's thinking time as the page and the Markdown export say it: "0.4 s" under a second, else whole seconds ("4 s"). */
export function thinkingTime(ms: number): string {
  return ms < 950 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}
