import { z } from "zod";

/** Ids we mint are 128-bit random, base64url: unguessable. Client-made ids must be at least this long. */
export const idSchema = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, "must be 16 to 64 letters, digits, - or _");
