import { useCallback, useEffect, useRef, useState } from "react";
import type { DocumentRecord } from "../../contract/documents";
import { detachDocument, listDocuments, rememberCurrentConversation, uploadDocument } from "./api";

/** A file on its way up: read and split by the Worker before it becomes a document. */
export interface PendingUpload {
  key: string;
  name: string;
  error?: string;
}

/** Polls faster at first, then less often: embedding a long PDF takes minutes. */
const POLL_MS = [500, 1000, 2000, 4000];

/**
 * The conversation's documents and uploads in flight. Files are attached at upload (the
 * conversation id is the browser's own, so this works before the first message), and the list is
 * polled while any document is still embedding.
 */
export function useConversationDocuments(conversationId: string) {
  const [documents, setDocuments] = useState<DocumentRecord[]>([]);
  const [uploads, setUploads] = useState<PendingUpload[]>([]);
  const polls = useRef(0);

  const refresh = useCallback(async () => {
    try {
      setDocuments(await listDocuments(conversationId));
    } catch {
      // A failed poll is retried by the next one; the chips keep their last known state.
    }
  }, [conversationId]);

  useEffect(() => {
    rememberCurrentConversation(conversationId);
    setDocuments([]);
    setUploads([]);
    void refresh();
  }, [conversationId, refresh]);

  const embedding = documents.some((d) => d.status === "embedding");
  useEffect(() => {
    if (!embedding) {
      polls.current = 0;
      return;
    }
    const timer = setTimeout(
      () => {
        polls.current++;
        void refresh();
      },
      POLL_MS[Math.min(polls.current, POLL_MS.length - 1)],
    );
    return () => clearTimeout(timer);
  }, [embedding, documents, refresh]);

  const attach = useCallback(
    async (files: File[]) => {
      await Promise.all(
        files.map(async (file, i) => {
          const key = `${Date.now()}-${i}-${file.name}`;
          setUploads((all) => [...all, { key, name: file.name }]);
          try {
            const record = await uploadDocument(file, conversationId);
            setUploads((all) => all.filter((u) => u.key !== key));
            setDocuments((all) => [...all.filter((d) => d.id !== record.id), record]);
          } catch (error) {
            setUploads((all) => all.map((u) => (u.key === key ? { ...u, error: (error as Error).message } : u)));
          }
        }),
      );
    },
    [conversationId],
  );

  const detach = useCallback(
    async (id: string) => {
      setDocuments((all) => all.filter((d) => d.id !== id));
      await detachDocument(id, conversationId).catch(() => refresh());
    },
    [conversationId, refresh],
  );

  const dismiss = useCallback((key: string) => setUploads((all) => all.filter((u) => u.key !== key)), []);

  return { documents, uploads, attach, detach, dismiss };
}

export type ConversationDocuments = ReturnType<typeof useConversationDocuments>;
