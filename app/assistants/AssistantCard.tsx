import { useId, useState } from "react";
import { Link } from "wouter";
import type { Conversation } from "../../contract/api";
import type { Assistant } from "../../contract/assistants";
import { findBuiltinTool } from "../../contract/builtin-tools";
import { findChatModel } from "../../contract/models";
import { conversationPath } from "../chat/ids";
import { button, primaryButton } from "../ui/styles";
import { assistantChats } from "./api";
import { chatWithAssistantPath } from "./start-path";

function toolsText(tools: readonly string[] | undefined): string {
  if (tools === undefined) return "the default tools";
  if (tools.length === 0) return "none";
  return tools.map((key) => findBuiltinTool(key)?.label ?? key).join(", ");
}

/**
 * One assistant: what it is set to, "Start chat", its chats (loaded when shown), and Edit / Delete
 * for the person's own or "Edit as a copy" for any. A region named by the assistant, so each card's
 * buttons are found by the card's name.
 */
export function AssistantCard({
  assistant,
  onEdit,
  onCopy,
  onDelete,
}: {
  assistant: Assistant;
  onEdit: () => void;
  onCopy: () => void;
  onDelete: () => void;
}) {
  const id = useId();
  const [chats, setChats] = useState<Conversation[] | "loading" | null>(null);
  const [chatsError, setChatsError] = useState<string>();
  const shown = chats !== null;

  const toggleChats = () => {
    if (shown) return setChats(null);
    setChats("loading");
    setChatsError(undefined);
    assistantChats(assistant.id).then(setChats, (e: Error) => {
      setChats([]);
      setChatsError(e.message);
    });
  };

  const model = findChatModel(assistant.model);
  return (
    <li>
      <section aria-labelledby={`${id}-name`} className="rounded-lg border border-border bg-card p-4">
        <h3 id={`${id}-name`} className="font-semibold">
          {assistant.name}
        </h3>
        {assistant.description && <p className="mt-0.5 text-sm text-muted-foreground">{assistant.description}</p>}
        <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-sm">
          <dt className="text-muted-foreground">Model</dt>
          <dd>{model?.label ?? assistant.model}</dd>
          <dt className="text-muted-foreground">Temperature</dt>
          <dd>{assistant.temperature}</dd>
          <dt className="text-muted-foreground">Tools</dt>
          <dd>{toolsText(assistant.tools)}</dd>
          {assistant.documentIds.length > 0 && (
            <>
              <dt className="text-muted-foreground">Documents</dt>
              <dd>{assistant.documentIds.length}</dd>
            </>
          )}
        </dl>
        <div className="mt-3 flex flex-wrap gap-2">
          <Link href={chatWithAssistantPath(assistant)} className={primaryButton}>
            Start chat
          </Link>
          {!assistant.builtin && (
            <button type="button" className={button} onClick={onEdit}>
              Edit
            </button>
          )}
          <button type="button" className={button} onClick={onCopy}>
            Edit as a copy
          </button>
          {!assistant.builtin && (
            <button type="button" className={button} onClick={onDelete}>
              Delete
            </button>
          )}
          <button type="button" className={button} aria-expanded={shown} aria-controls={`${id}-chats`} onClick={toggleChats}>
            Chats
          </button>
        </div>
        <div id={`${id}-chats`} hidden={!shown} className="mt-3">
          {chats === "loading" ? (
            <p className="text-sm text-muted-foreground">Loading chats…</p>
          ) : chatsError ? (
            <p role="alert" className="text-sm">
              {chatsError}
            </p>
          ) : chats && chats.length === 0 ? (
            <p className="text-sm text-muted-foreground">No chats started from this assistant yet.</p>
          ) : (
            chats && (
              <ul aria-label={`Chats with ${assistant.name}`} className="space-y-1 text-sm">
                {chats.map((chat) => (
                  <li key={chat.id}>
                    <Link href={conversationPath(chat.id)} className="underline">
                      {chat.title}
                    </Link>
                  </li>
                ))}
              </ul>
            )
          )}
        </div>
      </section>
    </li>
  );
}
