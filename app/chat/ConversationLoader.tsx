import { useEffect, useState, type ReactNode } from "react";
import { Link } from "wouter";
import type { Conversation } from "../../contract/api";
import type { ChatMessage } from "../../contract/messages";
import { ApiError, getConversation } from "../api";
import { button } from "../ui/styles";
import { loadAnswerChat } from "../ui/useAnswerStream";
import { ConversationView } from "./ConversationView";

type Load =
  | { state: "loading" }
  | { state: "failed"; message: string; missing: boolean }
  | { state: "ready"; conversation: Conversation | null; messages: ChatMessage[]; siblings?: Record<string, string[]> };

interface Props {
  id: string;
  /** A conversation minted in this tab and not sent yet: nothing to load. */
  isNew: boolean;
  onConversationsChanged: () => void;
  menuButton: ReactNode;
}

/** Loads a conversation's history once (the parent keys this by id), then hands it to the live view. */
export function ConversationLoader({ id, isNew, onConversationsChanged, menuButton }: Props) {
  const [load, setLoad] = useState<Load>(() => (isNew ? { state: "ready", conversation: null, messages: [] } : { state: "loading" }));

  // The AI SDK's chunk comes while the history does, so a running answer is rejoined without waiting for it.
  useEffect(() => void loadAnswerChat().catch(() => {}), []);

  useEffect(() => {
    if (load.state !== "loading") return;
    let live = true;
    getConversation(id).then(
      ({ conversation, messages, siblings }) => live && setLoad({ state: "ready", conversation, messages, siblings }),
      (e: Error) => live && setLoad({ state: "failed", message: e.message, missing: e instanceof ApiError && e.status === 404 }),
    );
    return () => {
      live = false;
    };
  }, [id, load.state]);

  if (load.state === "ready") {
    return (
      <ConversationView
        id={id}
        conversation={load.conversation}
        initialMessages={load.messages}
        initialSiblings={load.siblings}
        onConversationsChanged={onConversationsChanged}
        menuButton={menuButton}
      />
    );
  }

  return (
    <div className="flex h-full min-w-0 flex-1 flex-col">
      <div className="flex items-center gap-2 border-b border-border px-3 py-2 md:hidden">{menuButton}</div>
      <div className="m-auto max-w-md p-6 text-center">
        {load.state === "loading" ? (
          <p role="status" className="text-muted-foreground">
            Loading conversation…
          </p>
        ) : (
          <div role="alert" className="space-y-3">
            <p>{load.missing ? "This conversation does not exist, or it is not yours." : load.message}</p>
            <div className="flex justify-center gap-2">
              {!load.missing && (
                <button type="button" className={button} onClick={() => setLoad({ state: "loading" })}>
                  Retry
                </button>
              )}
              <Link href="/" className={button}>
                New chat
              </Link>
            </div>
          </div>
        )}
      </div>
    </div>
  );
}
