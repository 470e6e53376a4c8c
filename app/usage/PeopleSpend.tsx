import { type FormEvent, useEffect, useState } from "react";
import type { DeploymentUsage, PersonOverride, PersonSpend } from "../../contract/usage";
import { request } from "../api";
import { Updated } from "./Updated";
import { UsageChart } from "./UsageChart";

const n = (value: number) => value.toLocaleString("en-US");
const nameOf = (p: PersonSpend) => p.label || (p.kind === "guest" ? `Guest ${p.key.slice(6, 14)}` : p.key);

/** The owner's part of the usage page: the deployment by kind and model, and its people with their budgets. */
export function PeopleSpend() {
  const [usage, setUsage] = useState<DeploymentUsage | { error: string }>();
  useEffect(() => {
    let live = true;
    request<DeploymentUsage>("/api/usage/people").then(
      (loaded) => live && setUsage(loaded),
      (error: Error) => live && setUsage({ error: error.message }),
    );
    return () => void (live = false);
  }, []);
  if (!usage) return <p className="mt-4 text-sm text-muted-foreground">Loading people…</p>;
  if ("error" in usage)
    return (
      <p role="alert" className="mt-4 text-sm">
        {usage.error}
      </p>
    );
  return (
    <>
      <section aria-labelledby="deployment-chart" className="mt-6">
        <h2 id="deployment-chart" className="sr-only">
          By kind and model
        </h2>
        <p className="text-sm text-muted-foreground">
          Everybody's figures <Updated at={usage.updatedAt} /> (the newest report; each person's is beside them below).
        </p>
        <UsageChart days={usage.days} title="Everybody's last 30 days" />
      </section>
      <section aria-labelledby="people" className="mt-6">
        <h2 id="people" className="font-medium">
          People
        </h2>
        <p className="mt-1 text-sm text-muted-foreground">
          Dearest first over 30 days. {usage.asOf} A budget or block you set holds at once, from the person's next request.
        </p>
        <table className="mt-2 w-full text-sm">
          <caption className="sr-only">People by spend, with their daily budgets</caption>
          <thead>
            <tr className="text-left">
              <th scope="col">Who</th>
              <th scope="col" className="text-right">
                Today
              </th>
              <th scope="col" className="text-right">
                30 days
              </th>
              <th scope="col" className="pl-4">
                As of
              </th>
              <th scope="col">Daily budget</th>
            </tr>
          </thead>
          <tbody className="tabular-nums">
            {usage.people.map((p) => (
              <PersonRow key={p.key} person={p} />
            ))}
          </tbody>
        </table>
        {usage.people.length === 0 && <p className="mt-2 text-sm text-muted-foreground">Nobody has spent anything yet.</p>}
      </section>
    </>
  );
}

function PersonRow({ person }: { person: PersonSpend }) {
  const [override, setOverride] = useState<PersonOverride>(person.override ?? { dailyLimit: null, blocked: false });
  const [draft, setDraft] = useState(override.dailyLimit === null ? "" : String(override.dailyLimit));
  const [message, setMessage] = useState("");
  const name = nameOf(person);

  async function save(next: PersonOverride, done: string) {
    setMessage("");
    try {
      await request(`/api/usage/people/${encodeURIComponent(person.key)}`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(next),
      });
      setOverride(next);
      setMessage(done);
    } catch (error) {
      setMessage((error as Error).message);
    }
  }

  function submitBudget(event: FormEvent) {
    event.preventDefault();
    const text = draft.trim();
    const limit = text === "" ? null : Number(text);
    if (limit !== null && (!Number.isInteger(limit) || limit < 1))
      return setMessage("Enter a whole number of neurons, at least 1, or leave it empty.");
    void save(
      { ...override, dailyLimit: limit },
      limit === null ? `${name} is back on the usual budget.` : `${name} may spend ${n(limit)} neurons a day.`,
    );
  }

  return (
    <tr className="align-top">
      <th scope="row" className="py-1 text-left font-normal">
        {name} <span className="text-muted-foreground">({person.kind})</span>
        {override.blocked && <span className="ml-1 font-medium text-destructive">blocked</span>}
      </th>
      <td className="py-1 text-right">{n(person.today)}</td>
      <td className="py-1 text-right">{n(person.month)}</td>
      <td className="py-1 pl-4 text-muted-foreground">
        <Updated at={person.updatedAt} />
      </td>
      <td className="py-1 pl-4">
        <form onSubmit={submitBudget} className="flex flex-wrap items-center gap-2">
          <label className="flex items-center gap-1">
            <span className="sr-only">Daily budget for {name}, in neurons (empty: the usual one)</span>
            <input
              type="number"
              min={1}
              step={1}
              inputMode="numeric"
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
              placeholder="usual"
              className="w-28 rounded-md border border-input bg-background px-2 py-1"
            />
          </label>
          <button type="submit" className="rounded-md border border-border px-2 py-1" aria-label={`Save budget for ${name}`}>
            Save
          </button>
          <button
            type="button"
            className="rounded-md border border-border px-2 py-1"
            aria-label={`${override.blocked ? "Unblock" : "Block"} ${name}`}
            onClick={() =>
              void save(
                { ...override, blocked: !override.blocked },
                override.blocked ? `${name} may use the app again.` : `${name} is blocked from the next request on.`,
              )
            }
          >
            {override.blocked ? "Unblock" : "Block"}
          </button>
        </form>
        <p role="status" className="text-xs text-muted-foreground">
          {message}
        </p>
      </td>
    </tr>
  );
}
