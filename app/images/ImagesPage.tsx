import { useState } from "react";
import type { ImageRecord } from "../../contract/images-api";
import { DEFAULT_IMAGE_MODEL, findImageModel } from "../../contract/image-models";
import { ConfirmDialog } from "../ui/ConfirmDialog";
import { ApiError } from "../api";
import { notifyUsageChanged } from "../ui/usage-events";
import { generateImage } from "./api";
import { defaultsFor, formFrom, requestBody, type FormState } from "./form";
import { Gallery } from "./Gallery";
import { ImageDialog } from "./ImageDialog";
import { ImageForm } from "./ImageForm";
import { Results, type Slot } from "./Results";
import { useGallery } from "./useGallery";

/** Image studio: the form, this batch's results as they finish, and the gallery. */
export default function ImagesPage() {
  const [form, setForm] = useState<FormState>(() => defaultsFor(findImageModel(DEFAULT_IMAGE_MODEL)!));
  const [slots, setSlots] = useState<Slot[]>([]);
  const [open, setOpen] = useState<ImageRecord>();
  const [toDelete, setToDelete] = useState<ImageRecord>();
  const [deleteError, setDeleteError] = useState<string>();
  const gallery = useGallery();
  const busy = slots.some((s) => s.state === "pending");

  const settle = (key: string, slot: Slot) => setSlots((current) => current.map((s) => (s.key === key ? slot : s)));

  const generate = () => {
    const batch = Array.from({ length: form.count }, (_, i) => ({ key: `${Date.now()}-${i}`, body: requestBody(form, i) }));
    setSlots(batch.map(({ key }) => ({ key, state: "pending" })));
    // One request per image, in parallel, so each shows as soon as it is ready.
    for (const { key, body } of batch) {
      generateImage(body).then(
        (image) => {
          settle(key, { key, state: "done", image });
          gallery.add(image);
          notifyUsageChanged();
        },
        (error: Error) => settle(key, { key, state: "failed", message: error.message, retryAfter: error instanceof ApiError ? error.retryAfter : 0 }),
      );
    }
  };

  const actions = {
    onOpen: setOpen,
    onReuse: (image: ImageRecord) => {
      setForm(formFrom(image, form));
      document.getElementById("image-prompt")?.focus();
    },
    onDelete: setToDelete,
  };

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
      <div className="mx-auto grid max-w-6xl gap-6 p-3 sm:p-6 lg:grid-cols-[22rem_1fr]">
        <div>
          <h1 className="mb-1 text-lg font-semibold">Image studio</h1>
          {/* Also in index.html's static shell, the largest thing it paints here: keep the two the same. */}
          <p className="mb-3 text-sm text-muted-foreground">Describe a picture and a model draws it; what you make stays in your gallery.</p>
          <ImageForm form={form} onChange={setForm} onGenerate={generate} busy={busy} />
        </div>
        <div className="min-w-0">
          <Results slots={slots} {...actions} />
          {deleteError && (
            <p role="alert" className="mt-3 text-sm text-destructive">
              {deleteError}
            </p>
          )}
          <Gallery images={gallery.images} loading={gallery.loading} error={gallery.error} hasMore={gallery.hasMore} onLoadMore={() => void gallery.loadMore()} {...actions} />
        </div>
      </div>
      {open && <ImageDialog image={open} onClose={() => setOpen(undefined)} />}
      {toDelete && (
        <ConfirmDialog title="Delete this image?" confirmLabel="Delete" onConfirm={() => void confirmDelete(toDelete)} onCancel={() => setToDelete(undefined)}>
          “{toDelete.prompt}” will be removed for good.
        </ConfirmDialog>
      )}
    </main>
  );
}
