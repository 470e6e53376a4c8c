import { expect, type Page } from "@playwright/test";
import type { RecordedRequest, Script } from "./fake-workers-ai";

/** Where the "fake" project's fake Workers AI listens (playwright.config.ts starts it). */
export const FAKE_AI = `http://127.0.0.1:${process.env.FAKE_AI_PORT ?? 8795}`;

/** What the fake answers from now on (tests run one at a time, so this is not shared). */
export async function setScript(script: Script): Promise<void> {
  const response = await fetch(`${FAKE_AI}/__script`, { method: "PUT", body: JSON.stringify(script) });
  expect(response.status).toBe(204);
}

export async function fakeStats(): Promise<{ calls: number; open: number }> {
  return (await (await fetch(`${FAKE_AI}/__stats`)).json()) as { calls: number; open: number };
}

/** The last chat call the fake received (null before any): its model, messages, tools and tool_choice. */
export async function lastRequest(): Promise<RecordedRequest | null> {
  return (await (await fetch(`${FAKE_AI}/__last-request`)).json()) as RecordedRequest | null;
}

/** Every chat call since the script was last set, oldest first: one per step of a tool loop. */
export async function requestsSinceScript(): Promise<RecordedRequest[]> {
  return (await (await fetch(`${FAKE_AI}/__requests`)).json()) as RecordedRequest[];
}

/** The names of the tools a recorded call offered the model (`tools[].function.name`). */
export function offeredToolNames(request: RecordedRequest | null | undefined): string[] {
  return (request?.inputs.tools ?? []).map((tool) => (tool as { function?: { name?: string } }).function?.name ?? "");
}

/** The tool results a recorded call sent back to the model (its `tool` messages' contents). */
export function toolResultsIn(request: RecordedRequest | null | undefined): string[] {
  return (request?.inputs.messages ?? [])
    .filter((m) => m.role === "tool")
    .map((m) => (typeof m.content === "string" ? m.content : JSON.stringify(m.content)));
}

/** Stops Vite and the Worker's workerd and starts them again on the same state; returns when up. */
export async function restartApp(): Promise<void> {
  const response = await fetch(`${FAKE_AI}/__restart-app`, { method: "POST" });
  expect(response.status).toBe(204);
}

export interface StoredMessage {
  id: string;
  role: "user" | "assistant";
  parts: { type: string; text?: string }[];
  metadata?: { status?: string; error?: string; [key: string]: unknown };
}

/** The conversation as the Worker stored it, read with the page's own identity cookie. */
export async function storedConversation(page: Page, id: string): Promise<{ conversation: { title: string }; messages: StoredMessage[] }> {
  const response = await page.request.get(`/api/conversations/${id}`);
  expect(response.status(), await response.text()).toBe(200);
  return response.json();
}

export function textOf(message: StoredMessage | undefined): string {
  return (message?.parts ?? [])
    .filter((p) => p.type === "text")
    .map((p) => p.text ?? "")
    .join("");
}

export function conversationIdOf(page: Page): string {
  const match = /\/c\/([A-Za-z0-9_-]{22})$/.exec(page.url());
  if (!match) throw new Error(`not on a conversation page: ${page.url()}`);
  return match[1];
}
