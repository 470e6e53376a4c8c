import { useEffect, useRef, useState } from "react";
import type { CompareRunning, CompareSlot } from "../../../contract/compare";
import type { ChatMessage } from "../../../contract/messages";
import { apiFetch, request } from "../../api";
import { type AnswerSoFar, readAnswer, savedAnswer } from "./read-answer";

export interface Column {
  slot: number;
  model: string;
  messageId?: string;
  answer: AnswerSoFar;
}

const comparePath = (conversationId: string) => `/api/chat/compare/${encodeURIComponent(conversationId)}`;

/**
 * One compare turn's answers, a column each: started here (`started`) or rejoined (`rejoin`, what
 * GET /api/chat/compare/:id listed when the page opened mid-way). Each running answer is followed
 * through its own stream; one that ended before its stream was asked for (204) is read as saved.
 * Unmounting stops reading (the answers go on on the server).
 */
export function useCompareAnswers(conversationId: string, rejoin?: CompareRunning) {
  const [columns, setColumns] = useState<Column[] | null>(() => rejoin?.slots.map(columnOf) ?? null);
  const questionRef = useRef(rejoin?.questionId);
  // Made in the effect: a development remount (StrictMode) aborts the first one.
  const stopReading = useRef(new AbortController());

  const update = (slot: number, answer: AnswerSoFar) =>
    setColumns((current) => current?.map((c) => (c.slot === slot ? { ...c, answer } : c)) ?? null);

  const follow = async (slot: number, signal: AbortSignal) => {
    try {
      const response = await apiFetch(`${comparePath(conversationId)}/stream?slot=${slot}`, { signal });
      if (response.status !== 204) return void (await readAnswer(response, (answer) => update(slot, answer), signal));
      // Ended before it was asked for: the answer as saved.
      const turn = await request<CompareRunning | undefined>(
        `${comparePath(conversationId)}?question=${encodeURIComponent(questionRef.current ?? "")}`,
        { signal },
      );
      const saved = turn?.slots.find((s) => s.slot === slot)?.answer;
      if (!saved) throw new Error("The answer ended, and was not found.");
      update(slot, savedAnswer(saved));
    } catch (error) {
      if ((error as Error).name !== "AbortError")
        update(slot, { text: "", ended: true, error: "The answer could not be followed. Reopen the conversation to see it." });
    }
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: once per mount; `rejoin` is the turn this mount shows
  useEffect(() => {
    const controller = new AbortController();
    stopReading.current = controller;
    // A rejoined turn: each answer still being written is followed from its start.
    for (const slot of rejoin?.slots ?? []) if ("messageId" in slot && !slot.answer) void follow(slot.slot, controller.signal);
    return () => controller.abort();
  }, []);

  /** A turn started here: show its columns and follow every answer that started. */
  const started = (questionId: string, slots: CompareSlot[]) => {
    questionRef.current = questionId;
    setColumns(slots.map(columnOf));
    for (const slot of slots) if ("messageId" in slot) void follow(slot.slot, stopReading.current.signal);
  };

  const stop = (slot: number) => void apiFetch(`${comparePath(conversationId)}/stop?slot=${slot}`, { method: "POST" }).catch(() => {});

  return { columns, started, stop, writing: columns?.filter((c) => !c.answer.ended).length ?? 0 };
}

function columnOf(slot: CompareSlot & { answer?: ChatMessage }): Column {
  if ("error" in slot) return { slot: slot.slot, model: slot.model, answer: { text: "", ended: true, error: slot.error.message } };
  const answer = slot.answer ? savedAnswer(slot.answer) : { text: "", ended: false };
  return { slot: slot.slot, model: slot.model, messageId: slot.messageId, answer };
}
