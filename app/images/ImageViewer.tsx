import { useEffect, useRef, type KeyboardEvent } from "react";
import type { ImageRecord } from "../../contract/images-api";
import { button } from "../ui/styles";
import { useModalDialog } from "../ui/useModalDialog";
import { downloadUrl, imageUrl } from "./api";
import { describe } from "./describe";
import { ChevronIcon, DownloadIcon, ReuseIcon } from "./icons";

interface Props {
  /** The list the image was opened from (this batch's results, or the gallery), in its order. */
  images: ImageRecord[];
  index: number;
  onIndexChange: (index: number) => void;
  onReuse: (image: ImageRecord) => void;
  onClose: () => void;
}

const navButton =
  "absolute top-1/2 inline-flex size-10 -translate-y-1/2 items-center justify-center rounded-full bg-black/50 text-white hover:bg-black/70 aria-disabled:pointer-events-none aria-disabled:opacity-30";

/**
 * One image large, with what made it. ArrowLeft / ArrowRight move through the list it was opened
 * from; <dialog> gives the focus trap and Escape. The arrows are never `disabled` at the ends, only
 * aria-disabled: a disabled button drops focus to <body>, where the dialog hears no more keys.
 */
export function ImageViewer({ images, index, onIndexChange, onReuse, onClose }: Props) {
  const { props, titleId } = useModalDialog(onClose);
  const closeRef = useRef<HTMLButtonElement>(null);
  // After showModal (the hook's effect runs first): showModal alone would focus the first control, "Previous image".
  useEffect(() => closeRef.current?.focus(), []);
  const image = images[index];
  const hasPrevious = index > 0;
  const hasNext = index < images.length - 1;
  const previous = () => hasPrevious && onIndexChange(index - 1);
  const next = () => hasNext && onIndexChange(index + 1);

  const onKeyDown = (e: KeyboardEvent<HTMLDialogElement>) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === "ArrowLeft") previous();
    else if (e.key === "ArrowRight") next();
    else return;
    e.preventDefault();
  };

  if (!image) return null;
  return (
    <dialog
      {...props}
      onKeyDown={onKeyDown}
      onClick={(e) => e.target === e.currentTarget && onClose()}
      className="m-auto max-h-[95dvh] w-[min(72rem,calc(100vw-1rem))] overflow-auto rounded-lg border border-border bg-card p-3 text-card-foreground shadow-xl backdrop:bg-black/80 sm:p-4"
    >
      <div className="relative">
        <img
          key={image.id}
          src={imageUrl(image.id)}
          alt={image.prompt}
          width={image.width}
          height={image.height}
          className="mx-auto h-auto max-h-[78dvh] w-auto max-w-full rounded bg-muted object-contain"
        />
        {images.length > 1 && (
          <>
            <button
              type="button"
              className={`${navButton} left-2`}
              aria-label="Previous image"
              aria-disabled={!hasPrevious}
              onClick={previous}
            >
              <ChevronIcon direction="left" />
            </button>
            <button type="button" className={`${navButton} right-2`} aria-label="Next image" aria-disabled={!hasNext} onClick={next}>
              <ChevronIcon direction="right" />
            </button>
          </>
        )}
      </div>
      <div className="mt-3 flex flex-wrap items-start gap-x-4 gap-y-2">
        <div className="min-w-0 flex-1">
          <h2 id={titleId} className="text-sm font-medium">
            {image.prompt}
          </h2>
          <p className="mt-1 text-xs text-muted-foreground">{describe(image)}</p>
        </div>
        {/* Announced as it changes, since moving with the arrows does not move focus. */}
        <p aria-live="polite" className="text-xs tabular-nums text-muted-foreground">
          Image {index + 1} of {images.length}
        </p>
      </div>
      <div className="mt-3 flex flex-wrap justify-end gap-2">
        <a className={button} href={downloadUrl(image.id)} download>
          <DownloadIcon />
          Download
        </a>
        <button type="button" className={button} onClick={() => onReuse(image)}>
          <ReuseIcon />
          Use these settings again
        </button>
        <button type="button" className={button} onClick={onClose} ref={closeRef}>
          Close
        </button>
      </div>
    </dialog>
  );
}
