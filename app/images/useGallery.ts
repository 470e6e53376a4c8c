import { useCallback, useEffect, useState } from "react";
import type { ImageRecord } from "../../contract/images-api";
import { deleteImage, listImages } from "./api";

/** The person's images, newest first, a page at a time; new ones are added on top as they finish. */
export function useGallery() {
  const [images, setImages] = useState<ImageRecord[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string>();

  const load = useCallback(async (after?: string) => {
    setLoading(true);
    setError(undefined);
    try {
      const page = await listImages(after);
      setImages((current) => (after ? [...current, ...page.images.filter((i) => !current.some((c) => c.id === i.id))] : page.images));
      setCursor(page.nextCursor);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => void load(), [load]);

  return {
    images,
    loading,
    error,
    hasMore: cursor !== null,
    loadMore: () => cursor && load(cursor),
    add: (image: ImageRecord) => setImages((current) => [image, ...current]),
    remove: async (id: string) => {
      await deleteImage(id);
      setImages((current) => current.filter((i) => i.id !== id));
    },
  };
}
