import type { ImageRecord } from "../../contract/images-api";
import { smallButton } from "../ui/styles";
import { downloadUrl, imageUrl } from "./api";
import { describe } from "./ImageDialog";

export interface ImageActions {
  onOpen: (image: ImageRecord) => void;
  onReuse: (image: ImageRecord) => void;
  onDelete: (image: ImageRecord) => void;
}

/** One made image: a thumbnail that opens it large, what made it, and what can be done with it. */
export function ImageCard({ image, onOpen, onReuse, onDelete }: { image: ImageRecord } & ImageActions) {
  return (
    <article aria-label={image.prompt} className="overflow-hidden rounded-lg border border-border bg-card text-card-foreground">
      <button type="button" className="block w-full bg-muted dark:bg-black/30" onClick={() => onOpen(image)} aria-label={`Open ${image.prompt}`}>
        <img src={imageUrl(image.id)} alt="" loading="lazy" width={image.width} height={image.height} className="aspect-square h-auto w-full object-contain" />
      </button>
      <div className="p-2">
        <p className="line-clamp-2 text-sm">{image.prompt}</p>
        <p className="mt-1 text-xs text-muted-foreground">{describe(image)}</p>
        <div className="mt-2 flex flex-wrap gap-1">
          <a className={smallButton} href={downloadUrl(image.id)} download>
            Download
          </a>
          <button type="button" className={smallButton} onClick={() => onReuse(image)}>
            Use these settings again
          </button>
          <button type="button" className={`${smallButton} hover:text-destructive`} onClick={() => onDelete(image)}>
            Delete
          </button>
        </div>
      </div>
    </article>
  );
}
