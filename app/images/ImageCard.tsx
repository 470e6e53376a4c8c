import type { ImageRecord } from "../../contract/images-api";
import { downloadUrl, imageUrl } from "./api";
import { describe } from "./describe";
import { DownloadIcon, ReuseIcon, TrashIcon } from "./icons";

export interface ImageActions {
  /** Opens the viewer on this image of the list it sits in. */
  onOpen: (image: ImageRecord) => void;
  onReuse: (image: ImageRecord) => void;
  onDelete: (image: ImageRecord) => void;
}

/** Compact icon buttons; the aria-label is the name (tests and screen readers), the title its tooltip. */
const action =
  "inline-flex size-8 items-center justify-center rounded-md text-muted-foreground hover:bg-muted hover:text-foreground focus-visible:outline-2 focus-visible:outline-ring";

/** One made image in a grid cell: a thumbnail that opens the viewer, what made it, and what can be done with it. */
export function ImageCard({ image, onOpen, onReuse, onDelete }: { image: ImageRecord } & ImageActions) {
  return (
    <article
      aria-label={image.prompt}
      className="flex flex-col overflow-hidden rounded-lg border border-border bg-card text-card-foreground"
    >
      <button
        type="button"
        data-image-id={image.id}
        className="block w-full bg-muted dark:bg-black/30"
        onClick={() => onOpen(image)}
        aria-label={`Open ${image.prompt}`}
      >
        <img
          src={imageUrl(image.id)}
          alt=""
          loading="lazy"
          width={image.width}
          height={image.height}
          className="aspect-square h-auto w-full object-contain"
        />
      </button>
      <div className="flex flex-1 flex-col gap-1 p-2">
        <p className="line-clamp-2 text-sm" title={image.prompt}>
          {image.prompt}
        </p>
        <p className="line-clamp-2 text-xs text-muted-foreground">{describe(image)}</p>
        <div className="mt-auto flex gap-0.5 pt-1">
          <a className={action} href={downloadUrl(image.id)} download aria-label="Download" title="Download">
            <DownloadIcon />
          </a>
          <button
            type="button"
            className={action}
            onClick={() => onReuse(image)}
            aria-label="Use these settings again"
            title="Use these settings again"
          >
            <ReuseIcon />
          </button>
          <button
            type="button"
            className={`${action} ml-auto hover:text-destructive`}
            onClick={() => onDelete(image)}
            aria-label="Delete"
            title="Delete"
          >
            <TrashIcon />
          </button>
        </div>
      </div>
    </article>
  );
}
