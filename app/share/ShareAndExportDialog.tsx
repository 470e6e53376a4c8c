import { useState } from "react";
import type { Conversation } from "../../contract/api";
import { conversationExportUrl } from "../transfer/urls";
import { button } from "../ui/styles";
import { useModalDialog } from "../ui/useModalDialog";
import { ShareSection } from "./ShareSection";

/** A conversation's menu: share it, or download it. Loaded on demand from the conversation list. */
export default function ShareAndExportDialog({ conversation, onClose }: { conversation: Conversation; onClose: () => void }) {
  const { props, titleId } = useModalDialog(onClose);
  // The model's reasoning is not the answer: a Markdown export leaves it out unless asked (JSON keeps everything).
  const [withReasoning, setWithReasoning] = useState(false);
  return (
    <dialog
      {...props}
      className="m-auto w-[min(32rem,calc(100vw-2rem))] rounded-lg border border-border bg-card p-5 text-card-foreground shadow-xl backdrop:bg-black/50"
    >
      <h2 id={titleId} className="truncate text-base font-semibold">
        Share or export “{conversation.title}”
      </h2>
      <div className="mt-4 space-y-6">
        <ShareSection conversationId={conversation.id} />
        <section aria-labelledby="export-heading">
          <h3 id="export-heading" className="text-sm font-semibold">
            Export
          </h3>
          <p className="mt-1 text-sm text-muted-foreground">Every message with its details. JSON can be imported again.</p>
          <div className="mt-3 flex flex-wrap gap-2">
            <a className={button} href={conversationExportUrl(conversation.id, "markdown", { reasoning: withReasoning })} download>
              Download Markdown
            </a>
            <a className={button} href={conversationExportUrl(conversation.id, "json")} download>
              Download JSON
            </a>
          </div>
          <label className="mt-2 flex items-center gap-2 text-sm">
            <input type="checkbox" checked={withReasoning} onChange={(e) => setWithReasoning(e.target.checked)} />
            Include the model's reasoning in Markdown
          </label>
        </section>
      </div>
      <div className="mt-6 flex justify-end">
        <button type="button" className={button} onClick={onClose} autoFocus>
          Close
        </button>
      </div>
    </dialog>
  );
}
