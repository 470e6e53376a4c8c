/** The person's time zone as the browser named it (IANA), if this runtime's Intl knows it; UTC otherwise. */
export function validTimeZone(timeZone: string | undefined): string {
  if (!timeZone) return "UTC";
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone }).resolvedOptions().timeZone;
  } catch {
    return "UTC";
  }
}
