import { useEffect, useState } from "react";
import { Link } from "wouter";
import type { Conversation } from "../../contract/api";
import { conversationPath } from "../chat/ids";
import { smallButton } from "../ui/styles";
import { listArchived, placeConversation } from "./api";

/** The Archived view: conversations taken out of the list, each with the way back. */
export default function ArchivedList({ onChanged }: { onChanged: () => void }) {
  const [conversations, setConversations] = useState<Conversation[]>();
  const [error, setError] = useState<string>();
  const [version, setVersion] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` is the refresh: a change fetches again
  useEffect(() => {
    listArchived().then(setConversations, (e: Error) => setError(`Could not load archived conversations: ${e.message}`));
  }, [version]);

  const unarchive = (conversation: Conversation) =>
    placeConversation(conversation.id, { archived: false }).then(
      () => {
        setVersion((v) => v + 1);
        onChanged();
      },
      (e: Error) => setError(`Could not unarchive: ${e.message}`),
    );

  return (
    <section aria-labelledby="archived-heading" className="px-2">
      <h3 id="archived-heading" className="px-2 py-1 text-xs font-semibold uppercase tracking-wide text-muted-foreground">
        Archived
      </h3>
      {error && (
        <p role="alert" className="px-2 text-xs text-destructive">
          {error}
        </p>
      )}
      {conversations === undefined && !error && (
        <p role="status" className="px-2 text-xs text-muted-foreground">
          Loading…
        </p>
      )}
      <ul>
        {conversations?.length === 0 && <li className="px-2 py-1 text-sm text-muted-foreground">Nothing archived.</li>}
        {conversations?.map((conversation) => (
          <li key={conversation.id} className="flex items-center gap-1 rounded-md hover:bg-muted/60">
            <Link href={conversationPath(conversation.id)} className="min-w-0 flex-1 truncate rounded-md px-2 py-1.5 text-sm">
              {conversation.title}
            </Link>
            <button
              type="button"
              className={smallButton}
              onClick={() => unarchive(conversation)}
              aria-label={`Unarchive ${conversation.title}`}
            >
              Unarchive
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
