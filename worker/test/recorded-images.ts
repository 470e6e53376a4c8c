/**
 * TEST DOUBLES for image model answers, for Worker tests only: real (tiny) PNG and JPEG files made
 * with sharp, in every shape Workers AI answers with.
 */

/** A 3×2 grey PNG. */
export const PNG_BASE64 =
  "iVBORw0KGgoAAAANSUhEUgAAAAMAAAACCAIAAAASFvFNAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAADklEQVR4nGM4AQMMcBYAjLQOETxAoQ8AAAAASUVORK5CYII=";

/** A 5×4 grey baseline JPEG. */
export const JPEG_BASE64 =
  "/9j/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19iZ2hnPk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2P/wAARCAAEAAUDASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAP/xAAUEAEAAAAAAAAAAAAAAAAAAAAA/8QAFAEBAAAAAAAAAAAAAAAAAAAAAP/EABQRAQAAAAAAAAAAAAAAAAAAAAD/2gAMAwEAAhEDEQA/AJgA/9k=";

export const bytesOf = (base64: string) => Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
export const PNG = bytesOf(PNG_BASE64);
export const JPEG = bytesOf(JPEG_BASE64);

/** Bytes as the binding streams binary answers, in two chunks like a network read. */
export function byteStream(bytes: Uint8Array): ReadableStream<Uint8Array> {
  const half = Math.floor(bytes.length / 2);
  return new ReadableStream({
    start(controller) {
      controller.enqueue(bytes.slice(0, half));
      controller.enqueue(bytes.slice(half));
      controller.close();
    },
  });
}

/** The form a multipart input carries, read back the way a server would. */
export async function formOf(inputs: Record<string, unknown>): Promise<FormData> {
  const { body, contentType } = (inputs as { multipart: { body: BodyInit; contentType: string } }).multipart;
  return new Response(body, { headers: { "content-type": contentType } }).formData();
}
