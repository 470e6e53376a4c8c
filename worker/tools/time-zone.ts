/**
 * Zones already checked, by what the browser sent. Building an Intl.DateTimeFormat to check one costs
 * about 0.1 ms of the chat route's CPU (bench:relay-profile), on every question; the answer never
 * changes for a name, and there are about 600 IANA names. Bounded all the same: anything can be sent.
 */
const checked = new Map<string, string>();
const MAX_CHECKED = 1_000;

/** The person's time zone as the browser named it (IANA), if this runtime's Intl knows it; UTC otherwise. */
export function validTimeZone(timeZone: string | undefined): string {
  if (!timeZone) return "UTC";
  const known = checked.get(timeZone);
  if (known) return known;
  const zone = resolve(timeZone);
  if (checked.size < MAX_CHECKED) checked.set(timeZone, zone);
  return zone;
}

function resolve(timeZone: string): string {
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone }).resolvedOptions().timeZone;
  } catch {
    return "UTC";
  }
}
