import type { HighlightResult } from "streamdown";

export interface HighlightRequest {
  id: number;
  code: string;
  language: string;
  themes: [string, string];
  isIncomplete: boolean;
}

export interface HighlightResponse {
  id: number;
  /** null when highlighting failed; the block stays plain. */
  result: HighlightResult | null;
}
