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
 * polled while any document is still embedding. `startWith` names documents of the library to chat
 * with ("Start a chat with this document"): they go with the next message as `documentIds`, which the
 * Worker attaches then, since attaching from the library needs a conversation that exists.
 */
export function useConversationDocuments(conversationId: string, startWith: readonly string[] = []) {
  const [attached, setDocuments] = useState<DocumentRecord[]>([]);
  const [chosen, setChosen] = useState<DocumentRecord[]>([]);
  const [uploads, setUploads] = useState<PendingUpload[]>([]);
  const polls = useRef(0);
  const startKey = startWith.join(",");
  const documents = [...attached, ...chosen.filter((c) => !attached.some((d) => d.id === c.id))];
  /** The chosen documents the Worker has not attached yet: sent with the next message. */
  const unsent = chosen.filter((c) => !attached.some((d) => d.id === c.id)).map((d) => d.id);

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
    setChosen([]);
    setUploads([]);
    void refresh();
  }, [conversationId, refresh]);

  // Not cleared when the address loses its ?document= (the first message moves it to /c/<id>): the
  // message may still be on its way, and the chips stay until the Worker lists them as attached.
  useEffect(() => {
    if (!startKey) return;
    let live = true;
    const ids = new Set(startKey.split(","));
    listDocuments().then(
      (all) => live && setChosen(all.filter((d) => ids.has(d.id))),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [startKey]);

  const embedding = attached.some((d) => d.status === "embedding");
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
  }, [embedding, attached, refresh]);

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
      setChosen((all) => all.filter((d) => d.id !== id));
      await detachDocument(id, conversationId).catch(() => refresh());
    },
    [conversationId, refresh],
  );

  const dismiss = useCallback((key: string) => setUploads((all) => all.filter((u) => u.key !== key)), []);

  return { documents, uploads, unsent, attach, detach, dismiss, refresh };
}

export type ConversationDocuments = ReturnType<typeof useConversationDocuments>;
