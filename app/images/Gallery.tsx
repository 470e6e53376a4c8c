import type { ImageRecord } from "../../contract/images-api";
import { button } from "../ui/styles";
import { imageGrid } from "./grid";
import { ImageCard, type ImageActions } from "./ImageCard";

interface Props extends ImageActions {
  images: ImageRecord[];
  loading: boolean;
  error?: string;
  hasMore: boolean;
  onLoadMore: () => void;
}

/** Everything the person made, newest first. */
export function Gallery({ images, loading, error, hasMore, onLoadMore, ...actions }: Props) {
  return (
    <section aria-labelledby="gallery-heading" className="mt-8">
      <h2 id="gallery-heading" className="mb-3 text-base font-semibold">
        Gallery
      </h2>
      {error && (
        <p role="alert" className="mb-3 text-sm text-destructive">
          {error}
        </p>
      )}
      {!loading && !error && images.length === 0 && <p className="text-sm text-muted-foreground">Images you make appear here.</p>}
      <div className={imageGrid} data-image-list="gallery">
        {images.map((image) => (
          <ImageCard key={image.id} image={image} {...actions} />
        ))}
      </div>
      {hasMore && (
        <button type="button" className={`${button} mt-4`} onClick={onLoadMore} disabled={loading}>
          {loading ? "Loading…" : "Load more"}
        </button>
      )}
    </section>
  );
}
