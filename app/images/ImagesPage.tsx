import { useEffect, useRef, useState } from "react";
import type { ImageRecord } from "../../contract/images-api";
import { DEFAULT_IMAGE_MODEL, findImageModel } from "../../contract/image-models";
import { ConfirmDialog } from "../ui/ConfirmDialog";
import { ApiError } from "../api";
import { notifyUsageChanged } from "../ui/usage-events";
import { generateImage } from "./api";
import { defaultsFor, formFrom, requestBody, type FormState } from "./form";
import { Gallery } from "./Gallery";
import { ImageForm } from "./ImageForm";
import { ImageViewer } from "./ImageViewer";
import { Results, type Slot } from "./Results";
import { useGallery } from "./useGallery";

type ImageList = "results" | "gallery";

/** Image studio: the form, this batch's results as they finish, and the gallery. */
export default function ImagesPage() {
  const [form, setForm] = useState<FormState>(() => defaultsFor(findImageModel(DEFAULT_IMAGE_MODEL)!));
  const [slots, setSlots] = useState<Slot[]>([]);
  const [viewing, setViewing] = useState<{ list: ImageList; id: string }>();
  const [toDelete, setToDelete] = useState<ImageRecord>();
  const [deleteError, setDeleteError] = useState<string>();
  const gallery = useGallery();
  const busy = slots.some((s) => s.state === "pending");

  const settle = (key: string, slot: Slot) => setSlots((current) => current.map((s) => (s.key === key ? slot : s)));

  const run = (key: string, body: Record<string, unknown>) =>
    generateImage(body).then(
      (image) => {
        settle(key, { key, state: "done", image });
        // A seed the Worker picked becomes the one "Lock seed" keeps, so the image just made can be made again.
        const { seed } = image;
        if (seed !== null && body.seed === undefined) setForm((f) => (f.lockSeed ? f : { ...f, seed }));
        gallery.add(image);
        notifyUsageChanged();
      },
      (error: Error) =>
        settle(key, { key, state: "failed", message: error.message, retryAfter: error instanceof ApiError ? error.retryAfter : 0, body }),
    );

  const generate = () => {
    const batch = Array.from({ length: form.count }, (_, i) => ({ key: `${Date.now()}-${i}`, body: requestBody(form, i) }));
    setSlots(batch.map(({ key }) => ({ key, state: "pending" })));
    // One request per image, in parallel, so each shows as soon as it is ready.
    for (const { key, body } of batch) void run(key, body);
  };

  // Retry asks again for the one image that failed, with the request it was made with.
  const retry = (slot: Extract<Slot, { state: "failed" }>) => {
    settle(slot.key, { key: slot.key, state: "pending" });
    void run(slot.key, slot.body);
  };

  const results = slots.flatMap((s) => (s.state === "done" ? [s.image] : []));
  const lists: Record<ImageList, ImageRecord[]> = { results, gallery: gallery.images };
  // The viewer follows an id, not an index, so images finishing or being deleted meanwhile do not move it.
  const viewingList = viewing ? lists[viewing.list] : [];
  const viewingIndex = viewing ? viewingList.findIndex((i) => i.id === viewing.id) : -1;

  // Closing the viewer puts focus on the thumbnail of the image last shown (which may not be the one
  // that opened it), or on the prompt after "Use these settings again". It runs after the <dialog>
  // has closed, because closing a modal dialog puts focus back on whatever opened it.
  const focusAfterClose = useRef<() => void>(undefined);
  useEffect(() => {
    if (viewing || !focusAfterClose.current) return;
    focusAfterClose.current();
    focusAfterClose.current = undefined;
  }, [viewing]);
  const closeViewer = () => {
    const shown = viewing;
    if (shown)
      focusAfterClose.current = () =>
        document.querySelector<HTMLElement>(`[data-image-list="${shown.list}"] [data-image-id="${CSS.escape(shown.id)}"]`)?.focus();
    setViewing(undefined);
  };

  const reuse = (image: ImageRecord) => {
    setForm(formFrom(image, form));
    const focusPrompt = () => document.getElementById("image-prompt")?.focus();
    if (viewing) {
      focusAfterClose.current = focusPrompt;
      setViewing(undefined);
    } else focusPrompt();
  };
  const actionsFor = (list: ImageList) => ({
    onOpen: (image: ImageRecord) => setViewing({ list, id: image.id }),
    onReuse: reuse,
    onDelete: setToDelete,
  });

  const confirmDelete = async (image: ImageRecord) => {
    setToDelete(undefined);
    try {
      await gallery.remove(image.id);
      setSlots((current) => current.filter((s) => s.state !== "done" || s.image.id !== image.id));
      setDeleteError(undefined);
    } catch (error) {
      setDeleteError((error as Error).message);
    }
  };

  return (
    <main className="flex-1 overflow-y-auto">
      <div className="mx-auto grid max-w-[96rem] gap-6 p-3 sm:p-6 lg:grid-cols-[20rem_1fr]">
        <div>
          <h1 className="mb-1 text-lg font-semibold">Image studio</h1>
          {/* Also in index.html's static shell, the largest thing it paints here: keep the two the same. */}
          <p className="mb-3 text-sm text-muted-foreground">
            Describe a picture and a model draws it; what you make stays in your gallery.
          </p>
          <ImageForm form={form} onChange={setForm} onGenerate={generate} busy={busy} />
        </div>
        <div className="min-w-0">
          <Results slots={slots} onRetry={retry} {...actionsFor("results")} />
          {deleteError && (
            <p role="alert" className="mt-3 text-sm text-destructive">
              {deleteError}
            </p>
          )}
          <Gallery
            images={gallery.images}
            loading={gallery.loading}
            error={gallery.error}
            hasMore={gallery.hasMore}
            onLoadMore={() => void gallery.loadMore()}
            {...actionsFor("gallery")}
          />
        </div>
      </div>
      {viewing && viewingIndex >= 0 && (
        <ImageViewer
          images={viewingList}
          index={viewingIndex}
          onIndexChange={(index) => setViewing({ list: viewing.list, id: viewingList[index].id })}
          onReuse={reuse}
          onClose={closeViewer}
        />
      )}
      {toDelete && (
        <ConfirmDialog
          title="Delete this image?"
          confirmLabel="Delete"
          onConfirm={() => void confirmDelete(toDelete)}
          onCancel={() => setToDelete(undefined)}
        >
          “{toDelete.prompt}” will be removed for good.
        </ConfirmDialog>
      )}
    </main>
  );
}
