import { VISION_MEDIA_TYPES } from "../../contract/vision-api";
import { FilePickButton } from "../ui/FilePickButton";
import { smallButton } from "../ui/styles";
import type { ChatImages } from "./useChatImages";
import { imageUrl } from "../vision/api";

/**
 * The composer's Attach image button. With a model that cannot see images it stays in place,
 * disabled, and its description says why (a disabled button shows no tooltip to a keyboard).
 */
export function AttachImageButton({ images }: { images: ChatImages }) {
  const explanation =
    images.refusal ?? "Attach images for the model to see (JPEG, PNG, WebP or GIF; shrunk to 1024 px). You can also paste or drop them.";
  return (
    <>
      <FilePickButton
        label="Attach image"
        accept={VISION_MEDIA_TYPES.join(",")}
        onFiles={images.add}
        title={explanation}
        disabled={!!images.refusal}
        describedBy="attach-image-explanation"
        icon={
          <>
            <rect x="3" y="3" width="18" height="18" rx="2" />
            <circle cx="9" cy="9" r="2" />
            <path d="m21 15-3.1-3.1a2 2 0 0 0-2.8 0L6 21" />
          </>
        }
      />
      <span id="attach-image-explanation" className="sr-only">
        {explanation}
      </span>
    </>
  );
}

const STEP_LABEL = { shrinking: "Shrinking…", uploading: "Uploading…", ready: "Ready" } as const;

/** The images waiting to go with the next message, each removable, and what went wrong. */
export function PendingImages({ images }: { images: ChatImages }) {
  if (!images.pending.length && !images.problem) return null;
  return (
    <div className="mx-auto flex w-full max-w-3xl flex-col gap-2 px-4">
      {images.problem && (
        <p role="alert" className="rounded-md border border-destructive/40 bg-destructive/10 px-3 py-1.5 text-sm text-destructive">
          {images.problem}
        </p>
      )}
      {images.pending.length > 0 && (
        <ul aria-label="Attached images" className="flex flex-wrap gap-2">
          {images.pending.map((p) => (
            <li key={p.key} className="flex items-center gap-2 rounded-lg border border-border bg-card p-1.5 text-xs">
              {p.image ? (
                <img src={imageUrl(p.image.id)} alt={p.name} className="size-12 rounded object-cover" />
              ) : (
                <span className="flex size-12 items-center justify-center rounded bg-muted text-muted-foreground" aria-hidden="true">
                  …
                </span>
              )}
              <span className="flex flex-col">
                <span className="max-w-32 truncate">{p.name}</span>
                <span role="status" className="text-muted-foreground">
                  {STEP_LABEL[p.step]}
                </span>
              </span>
              <button type="button" className={smallButton} aria-label={`Remove image ${p.name}`} onClick={() => images.remove(p.key)}>
                ✕
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
