import { formatCost } from "../../contract/pricing";
import type { ImageRecord } from "../../contract/images-api";
import { findImageModel } from "../../contract/image-models";
import { button } from "../ui/styles";
import { useModalDialog } from "../ui/useModalDialog";
import { downloadUrl, imageUrl } from "./api";

/** The image large, with what made it. <dialog> gives focus trapping and Escape. */
export function ImageDialog({ image, onClose }: { image: ImageRecord; onClose: () => void }) {
  const { props, titleId } = useModalDialog(onClose);
  return (
    <dialog
      {...props}
      onClick={(e) => e.target === e.currentTarget && onClose()}
      className="m-auto max-h-[95dvh] w-[min(64rem,calc(100vw-1rem))] overflow-auto rounded-lg border border-border bg-card p-3 text-card-foreground shadow-xl backdrop:bg-black/70 sm:p-4"
    >
      <img src={imageUrl(image.id)} alt={image.prompt} width={image.width} height={image.height} className="mx-auto h-auto max-h-[75dvh] w-auto max-w-full rounded bg-muted object-contain" />
      <h2 id={titleId} className="mt-3 text-sm font-medium">
        {image.prompt}
      </h2>
      <p className="mt-1 text-xs text-muted-foreground">{describe(image)}</p>
      <div className="mt-3 flex justify-end gap-2">
        <a className={button} href={downloadUrl(image.id)} download>
          Download
        </a>
        <button type="button" className={button} onClick={onClose} autoFocus>
          Close
        </button>
      </div>
    </dialog>
  );
}

export function describe(image: ImageRecord): string {
  return [
    findImageModel(image.model)?.label ?? image.model,
    `${image.width}×${image.height}`,
    image.seed === null ? "no seed" : `seed ${image.seed}`,
    `${(image.durationMs / 1000).toFixed(1)} s`,
    image.servedBy,
    image.cost && formatCost(image.cost),
  ]
    .filter(Boolean)
    .join(" · ");
}
