import { useEffect, useState } from "react";
import type { MyUsage } from "../../contract/usage";
import { request } from "../api";
import { UsageChart } from "./UsageChart";

type Loaded = { usage: MyUsage } | { error: string } | undefined;
const n = (value: number) => value.toLocaleString("en-US");

/** Anyone's own usage: today's budget and what they spent over 30 days, by kind and by model. */
export default function MyUsagePage() {
  const [loaded, setLoaded] = useState<Loaded>();
  useEffect(() => {
    let live = true;
    request<MyUsage>("/api/usage/mine").then(
      (usage) => live && setLoaded({ usage }),
      (error: Error) => live && setLoaded({ error: error.message }),
    );
    return () => void (live = false);
  }, []);

  if (!loaded) return <p className="m-auto text-muted-foreground">Loading…</p>;
  if ("error" in loaded)
    return (
      <p role="alert" className="m-auto p-6 text-center">
        {loaded.error}
      </p>
    );
  const { days, today } = loaded.usage;
  const hours = Math.ceil(today.resetsInSeconds / 3600);
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: it scrolls, so a keyboard must reach it (as the owner's usage page)
    <main tabIndex={0} className="mx-auto w-full max-w-3xl overflow-y-auto p-4 sm:p-6">
      <h1 className="text-xl font-semibold">Your usage</h1>
      <p className="mt-1 text-sm text-muted-foreground">Workers AI neurons you spent on this app, per UTC day ($0.011 per 1,000).</p>
      <section aria-labelledby="my-today" className="mt-4">
        <h2 id="my-today" className="font-medium">
          Today
        </h2>
        {today.blocked ? (
          <p className="mt-1 text-sm">The owner of this app has stopped your use of its models.</p>
        ) : (
          <dl className="mt-1 grid grid-cols-[auto_1fr] gap-x-4 text-sm tabular-nums">
            <dt>Spent</dt>
            <dd>{n(today.used)} neurons</dd>
            <dt>Budget left</dt>
            <dd>{today.left === null ? "no limit" : `${n(today.left)} of ${n(today.limit)} neurons`}</dd>
            <dt>Resets</dt>
            <dd>
              at 00:00 UTC (in about {hours} {hours === 1 ? "hour" : "hours"})
            </dd>
          </dl>
        )}
      </section>
      <section aria-labelledby="my-month" className="mt-6">
        <h2 id="my-month" className="sr-only">
          Last 30 days
        </h2>
        <UsageChart days={days} title="Your last 30 days" />
      </section>
    </main>
  );
}
