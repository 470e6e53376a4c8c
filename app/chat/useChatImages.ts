import type { FileUIPart } from "ai";
import { useCallback, useEffect, useRef, useState } from "react";
import { CHAT_IMAGE_LIMITS, chatImageUrl } from "../../contract/chat-images";
import { findChatModel } from "../../contract/models";
import type { VisionImage } from "../../contract/vision-api";
import { prepareAndUpload } from "../ui/prepare-image";

/** An image waiting in the composer: being shrunk, being uploaded, or ready to send. */
export interface PendingImage {
  key: string;
  name: string;
  step: "shrinking" | "uploading" | "ready";
  image?: VisionImage;
}

/** Why the chosen model takes no image, in words; undefined when it sees images. */
export function cannotSeeImages(modelId: string): string | undefined {
  const model = findChatModel(modelId);
  if (model?.vision) return undefined;
  return `${model?.label ?? modelId} cannot see images. Pick a model labelled "sees images" to attach one.`;
}

/** Files that are images by their declared type; the rest go to documents. Contents are checked when prepared. */
export function isImageFile(file: File): boolean {
  return file.type.startsWith("image/");
}

/**
 * The composer's images for the next message: each is shrunk and uploaded (the vision page's way,
 * ../ui/prepare-image.ts) as soon as it is picked, pasted or dropped, and sent as a file part that
 * points at the person's own upload.
 */
export function useChatImages(modelId: string) {
  const [pending, setPending] = useState<PendingImage[]>([]);
  const [problem, setProblem] = useState<string>();
  const refusal = cannotSeeImages(modelId);
  // Uploads finishing after the conversation closed change nothing (set again on mount: StrictMode remounts).
  const live = useRef(true);
  useEffect(() => {
    live.current = true;
    return () => void (live.current = false);
  }, []);

  const add = useCallback(
    (files: File[]) => {
      if (refusal) return setProblem(refusal);
      const room = CHAT_IMAGE_LIMITS.perMessage - pending.length;
      if (files.length > room) setProblem(`A message can carry at most ${CHAT_IMAGE_LIMITS.perMessage} images.`);
      else setProblem(undefined);
      for (const file of files.slice(0, Math.max(0, room))) {
        const key = crypto.randomUUID();
        const update = (patch: Partial<PendingImage>) =>
          live.current && setPending((all) => all.map((p) => (p.key === key ? { ...p, ...patch } : p)));
        setPending((all) => [...all, { key, name: file.name || "Pasted image", step: "shrinking" }]);
        prepareAndUpload(file, (step) => update({ step })).then(
          ({ image }) => update({ step: "ready", image }),
          (error: Error) => {
            if (!live.current) return;
            setPending((all) => all.filter((p) => p.key !== key));
            setProblem(error.message || "The image could not be uploaded.");
          },
        );
      }
    },
    [refusal, pending.length],
  );

  const remove = useCallback((key: string) => setPending((all) => all.filter((p) => p.key !== key)), []);
  const clear = useCallback(() => setPending([]), []);

  const parts: FileUIPart[] = pending.flatMap((p) =>
    p.image ? [{ type: "file" as const, mediaType: p.image.mediaType, url: chatImageUrl(p.image.id) }] : [],
  );
  // A model picked after the images that cannot see them: said now, not at Send.
  const mismatch = refusal && pending.length ? `${refusal} Remove the attached images or pick another model.` : undefined;
  return {
    pending,
    problem: mismatch ?? problem,
    /** Set when the model cannot see images: the control is disabled with this explanation. */
    refusal,
    add,
    remove,
    clear,
    parts,
    /** Send waits for every image to be uploaded, and is blocked while the model cannot take them. */
    blocksSend: pending.some((p) => p.step !== "ready") || (!!refusal && pending.length > 0),
  };
}

export type ChatImages = ReturnType<typeof useChatImages>;
