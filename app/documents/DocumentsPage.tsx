import { useCallback, useEffect, useState } from "react";
import { Link } from "wouter";
import type { Conversation } from "../../contract/api";
import type { DocumentRecord } from "../../contract/documents";
import { getConversation } from "../api";
import { chatWithDocumentPath } from "../chat/ids";
import { ConfirmDialog } from "../ui/ConfirmDialog";
import { button, smallButton } from "../ui/styles";
import { attachDocument, currentConversation, deleteDocument, formatBytes, listDocuments, statusText } from "./api";

/**
 * /documents: every document of the person with size, pages, passages and status; delete (the
 * original, every passage and every vector); attach to the conversation they were last in, when
 * it exists (the last one can be a "New chat" never sent); or start a new chat with a document.
 * Loaded on demand: the chat page does not carry it.
 */
export default function DocumentsPage() {
  const [documents, setDocuments] = useState<DocumentRecord[] | null>(null);
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [confirming, setConfirming] = useState<DocumentRecord | null>(null);
  const [conversation, setConversation] = useState<Conversation>();
  useEffect(() => {
    const id = currentConversation();
    if (!id) return;
    let live = true;
    // Read by its id: the sidebar's list holds only each group's first page. Errors (a "New chat"
    // never sent is not found) leave Attach out: the list below still loads and says what went wrong.
    getConversation(id).then(
      (detail) => live && setConversation(detail.conversation),
      () => {},
    );
    return () => {
      live = false;
    };
  }, []);

  const refresh = useCallback(() => {
    listDocuments().then(setDocuments, (e: Error) => setError(e.message));
  }, []);
  useEffect(refresh, [refresh]);

  // While anything is embedding, keep its progress current.
  const embedding = documents?.some((d) => d.status === "embedding");
  useEffect(() => {
    if (!embedding) return;
    const timer = setTimeout(refresh, 2000);
    return () => clearTimeout(timer);
  }, [embedding, documents, refresh]);

  const remove = async (doc: DocumentRecord) => {
    setConfirming(null);
    try {
      await deleteDocument(doc.id);
      setNotice(`Deleted ${doc.name}.`);
      refresh();
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const attach = async (doc: DocumentRecord) => {
    if (!conversation) return;
    try {
      await attachDocument(doc.id, conversation.id);
      setNotice(`Attached ${doc.name} to “${conversation.title}”.`);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <main className="mx-auto w-full max-w-4xl overflow-auto p-4">
      <h1 className="text-xl font-semibold">Documents</h1>
      <p className="mt-1 text-sm text-muted-foreground">
        Files you attached in chat. A conversation searches the documents attached to it; answers cite them.
      </p>
      {error && (
        <p role="alert" className="mt-3 rounded-md border border-destructive/40 bg-destructive/10 px-3 py-2 text-sm">
          {error}
        </p>
      )}
      {notice && (
        <p role="status" className="mt-3 text-sm">
          {notice}
        </p>
      )}
      {documents === null ? (
        <p className="mt-6 text-muted-foreground">Loading…</p>
      ) : documents.length === 0 ? (
        <p className="mt-6 text-muted-foreground">
          No documents yet. Attach files in a chat with the paperclip button, or drop them on the conversation.
        </p>
      ) : (
        <table className="mt-4 w-full text-left text-sm">
          <thead className="border-b border-border text-muted-foreground">
            <tr>
              <th className="py-2 pr-3 font-medium">Name</th>
              <th className="py-2 pr-3 font-medium">Size</th>
              <th className="py-2 pr-3 font-medium">Pages</th>
              <th className="py-2 pr-3 font-medium">Passages</th>
              <th className="py-2 pr-3 font-medium">Status</th>
              <th className="py-2 font-medium">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {documents.map((d) => (
              <tr key={d.id} className="border-b border-border/60">
                <td className="max-w-64 truncate py-2 pr-3 font-medium">{d.name}</td>
                <td className="py-2 pr-3">{formatBytes(d.bytes)}</td>
                <td className="py-2 pr-3">{d.pages ?? "–"}</td>
                <td className="py-2 pr-3">{d.passages}</td>
                <td className="py-2 pr-3">{statusText(d)}</td>
                <td className="flex gap-1 py-2">
                  {conversation && (
                    <button
                      type="button"
                      className={smallButton}
                      aria-label={`Attach ${d.name} to “${conversation.title}”`}
                      onClick={() => void attach(d)}
                    >
                      Attach
                    </button>
                  )}
                  {d.status !== "failed" && (
                    <Link href={chatWithDocumentPath(d.id)} className={smallButton} aria-label={`Start a chat with ${d.name}`}>
                      Start a chat
                    </Link>
                  )}
                  <button type="button" className={smallButton} aria-label={`Delete ${d.name}`} onClick={() => setConfirming(d)}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {confirming && (
        <ConfirmDialog
          title={`Delete ${confirming.name}?`}
          confirmLabel="Delete"
          onConfirm={() => void remove(confirming)}
          onCancel={() => setConfirming(null)}
        >
          The file, its passages and its vectors are removed. Conversations stop citing it.
        </ConfirmDialog>
      )}
      <p className="mt-6">
        <button type="button" className={button} onClick={refresh}>
          Refresh
        </button>
      </p>
    </main>
  );
}
