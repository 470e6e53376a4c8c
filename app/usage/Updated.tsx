/**
 * "updated 21:43" for a figure that was reported at `at` (ms): the owner's page shows numbers as
 * people's ledgers last reported them (up to 5 minutes behind), so each says how old it is. A report
 * from an earlier day also gives its date.
 */
export function Updated({ at, now = Date.now() }: { at: number | null; now?: number }) {
  if (at === null) return <span>not reported yet</span>;
  const when = new Date(at);
  const time = when.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  const sameDay = when.toDateString() === new Date(now).toDateString();
  return (
    <span>
      updated <time dateTime={when.toISOString()}>{sameDay ? time : `${when.toLocaleDateString()} ${time}`}</time>
    </span>
  );
}
