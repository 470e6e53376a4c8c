import { AppError } from "../../contract/errors";

/**
 * Reads a body up to `maxBytes`, refusing as soon as it is exceeded: the rest is never pulled, so a
 * huge upload costs no more memory or time than the limit. A declared length over the limit is
 * refused before reading anything.
 */
export async function readLimited(
  body: ReadableStream<Uint8Array> | null,
  declaredLength: string | undefined,
  maxBytes: number,
  tooLarge: string,
): Promise<Uint8Array> {
  if (Number(declaredLength ?? 0) > maxBytes) throw new AppError("too_large", tooLarge);
  if (!body) return new Uint8Array();
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel("too large").catch(() => {});
      throw new AppError("too_large", tooLarge);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
