import { useEffect, useState } from "react";
import { Link } from "wouter";
import type { UsageReport } from "../../contract/api";
import { formatCost } from "../../contract/pricing";
import { request } from "../api";
import { PeopleSpend } from "./PeopleSpend";

type Loaded = { report: UsageReport } | { error: string } | undefined;

const neurons = (n: number) => n.toLocaleString("en-US");
const budget = (n: number) => (n > 0 ? `${neurons(n)} neurons a day` : "no limit");

/**
 * The owner's view of what the deployment spends: today and the last 30 days, overall, for accounts
 * and for guests, next to the budgets that apply; each person once, in PeopleSpend's list (with their
 * budget and block). Loaded on demand (only owners open it).
 */
export default function UsagePage() {
  const [loaded, setLoaded] = useState<Loaded>();
  useEffect(() => {
    let live = true;
    request<UsageReport>("/api/usage").then(
      (report) => live && setLoaded({ report }),
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

  const { budgets, days, asOf } = loaded.report;
  const [today] = days;
  const month = days.reduce((sum, d) => sum + d.total, 0);
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: it scrolls and holds no control, so a keyboard must reach it (e2e/axe.spec.ts)
    <main tabIndex={0} className="mx-auto w-full max-w-3xl overflow-y-auto p-4 sm:p-6">
      <h1 className="text-xl font-semibold">Usage</h1>
      <p className="mt-1 text-sm">
        <Link href="/usage/mine" className="underline">
          Your own usage
        </Link>
      </p>
      <p className="mt-1 text-sm text-muted-foreground">
        Workers AI neurons, per UTC day ($0.011 per 1,000). Local-engine answers are priced as the model they stand in for.
      </p>

      <section aria-labelledby="budgets" className="mt-4">
        <h2 id="budgets" className="font-medium">
          Budgets
        </h2>
        <dl className="mt-1 grid grid-cols-[auto_1fr] gap-x-4 text-sm">
          <dt>Each guest</dt>
          <dd>{budget(budgets.guest)}</dd>
          <dt>Each account</dt>
          <dd>{budget(budgets.account)}</dd>
          <dt>Everybody together</dt>
          <dd>{budget(budgets.global)}</dd>
          <dt>Each address (IPv4, or IPv6 /64)</dt>
          <dd>{budget(budgets.address)}</dd>
          <dt>Each IPv6 /48</dt>
          <dd>{budget(budgets.addressBlock)}</dd>
        </dl>
      </section>

      <section aria-labelledby="today" className="mt-4">
        <h2 id="today" className="font-medium">
          Today
        </h2>
        <p className="mt-1 text-sm text-muted-foreground">{asOf}</p>
        <table className="mt-1 w-full text-sm">
          <caption className="sr-only">Spend today by who spent it</caption>
          <thead>
            <tr className="text-left">
              <th scope="col">Who</th>
              <th scope="col" className="text-right">
                Spent
              </th>
            </tr>
          </thead>
          <tbody className="tabular-nums">
            <tr>
              <th scope="row" className="text-left font-normal">
                Overall
              </th>
              <td className="text-right">{formatCost({ neurons: today.total, estimated: false })}</td>
            </tr>
            <tr>
              <th scope="row" className="text-left font-normal">
                Lent from the daily budget (counts against it)
              </th>
              <td className="text-right">{formatCost({ neurons: today.leased, estimated: false })}</td>
            </tr>
            <tr>
              <th scope="row" className="text-left font-normal">
                All guests
              </th>
              <td className="text-right">{formatCost({ neurons: today.guests, estimated: false })}</td>
            </tr>
            <tr>
              <th scope="row" className="text-left font-normal">
                All accounts
              </th>
              <td className="text-right">{formatCost({ neurons: today.total - today.guests, estimated: false })}</td>
            </tr>
          </tbody>
        </table>
      </section>

      {/* The deployment by kind and model, and its people with their budgets: above the long per-day table. */}
      <PeopleSpend />

      <section aria-labelledby="month" className="mt-4">
        <h2 id="month" className="font-medium">
          Last 30 days: {formatCost({ neurons: month, estimated: false })}
        </h2>
        <table className="mt-1 w-full text-sm">
          <caption className="sr-only">Spend per day over the last 30 days</caption>
          <thead>
            <tr className="text-left">
              <th scope="col">Day (UTC)</th>
              <th scope="col" className="text-right">
                Overall
              </th>
              <th scope="col" className="text-right">
                Guests
              </th>
              <th scope="col" className="text-right">
                Accounts
              </th>
            </tr>
          </thead>
          <tbody className="tabular-nums">
            {days.map((d) => (
              <tr key={d.day}>
                <th scope="row" className="text-left font-normal">
                  {d.day}
                </th>
                <td className="text-right">{neurons(d.total)}</td>
                <td className="text-right">{neurons(d.guests)}</td>
                {/* Everybody but guests: accounts, including those deleted since (their days stay counted, unnamed). */}
                <td className="text-right">{neurons(d.total - d.guests)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </main>
  );
}
