import { useId, useState } from "react";
import { USAGE_KIND_LABELS, type UsageChartDay, type UsageKind } from "../../contract/usage";

/**
 * Series colours, one class pair per series: a darker shade on the light theme, a lighter one on the
 * dark theme, so each bar keeps its contrast with the page behind it. Tailwind classes are listed in
 * full so its scanner keeps them.
 */
const COLOURS = [
  { fill: "fill-sky-600 dark:fill-sky-400", swatch: "bg-sky-600 dark:bg-sky-400" },
  { fill: "fill-amber-600 dark:fill-amber-400", swatch: "bg-amber-600 dark:bg-amber-400" },
  { fill: "fill-emerald-600 dark:fill-emerald-400", swatch: "bg-emerald-600 dark:bg-emerald-400" },
  { fill: "fill-fuchsia-600 dark:fill-fuchsia-400", swatch: "bg-fuchsia-600 dark:bg-fuchsia-400" },
  { fill: "fill-rose-600 dark:fill-rose-400", swatch: "bg-rose-600 dark:bg-rose-400" },
  { fill: "fill-indigo-600 dark:fill-indigo-400", swatch: "bg-indigo-600 dark:bg-indigo-400" },
  { fill: "fill-stone-500 dark:fill-stone-400", swatch: "bg-stone-500 dark:bg-stone-400" },
];
/** Beyond this many models, the cheaper ones share one series (the table still names each). */
const MODEL_SERIES = COLOURS.length - 1;

type Split = "kind" | "model";
const n = (value: number) => value.toLocaleString("en-US");
const modelName = (model: string) => (model ? model.replace(/^@cf\//, "") : "unnamed");

/** The series of a split, dearest first over the whole period, and which series each slice falls in. */
function seriesOf(days: UsageChartDay[], split: Split): { names: string[]; nameOf: (s: { kind: UsageKind; model: string }) => string } {
  const totals = new Map<string, number>();
  const raw = split === "kind" ? (s: { kind: UsageKind }) => USAGE_KIND_LABELS[s.kind] : (s: { model: string }) => modelName(s.model);
  for (const slice of days.flatMap((d) => d.slices)) totals.set(raw(slice), (totals.get(raw(slice)) ?? 0) + slice.neurons);
  const ranked = [...totals].sort((a, b) => b[1] - a[1]).map(([name]) => name);
  if (split === "kind" || ranked.length <= MODEL_SERIES + 1) return { names: ranked, nameOf: raw };
  const kept = new Set(ranked.slice(0, MODEL_SERIES));
  return { names: [...kept, "Other models"], nameOf: (s) => (kept.has(raw(s)) ? raw(s) : "Other models") };
}

/**
 * Neurons per UTC day over the period, stacked by kind or by model. The SVG is a picture for those
 * who see it (hidden from assistive technology); the table under it holds the same figures, and is
 * what a screen reader reads.
 */
export function UsageChart({ days, title }: { days: UsageChartDay[]; title: string }) {
  const [split, setSplit] = useState<Split>("kind");
  const id = useId();
  const { names, nameOf } = seriesOf(days, split);
  const rows = days.map((d) => {
    const by = new Map<string, number>();
    for (const s of d.slices) by.set(nameOf(s), (by.get(nameOf(s)) ?? 0) + s.neurons);
    return { day: d.day, by, total: d.slices.reduce((sum, s) => sum + s.neurons, 0) };
  });
  const max = Math.max(1, ...rows.map((r) => r.total));
  const [width, height, base] = [600, 160, 158];
  const slot = width / Math.max(1, rows.length);
  const spent = rows.filter((r) => r.total > 0).reverse();

  return (
    <figure className="mt-2">
      <figcaption className="font-medium">{title}</figcaption>
      <fieldset className="mt-1 flex gap-3 text-sm">
        <legend className="sr-only">Split the chart by</legend>
        {(["kind", "model"] as const).map((s) => (
          <label key={s} className="flex items-center gap-1">
            <input type="radio" name={`${id}-split`} checked={split === s} onChange={() => setSplit(s)} />
            By {s}
          </label>
        ))}
      </fieldset>
      <svg viewBox={`0 0 ${width} ${height}`} className="mt-2 h-44 w-full" aria-hidden="true" preserveAspectRatio="none">
        <line x1={0} x2={width} y1={base} y2={base} className="stroke-border" />
        {rows.map((r, i) => {
          let top = base;
          return (
            <g key={r.day}>
              {names.map((name, k) => {
                const value = r.by.get(name) ?? 0;
                if (!value) return null;
                const h = Math.max(1, (value / max) * (base - 8));
                top -= h;
                return (
                  <rect key={name} x={i * slot + 2} y={top} width={slot - 4} height={h} className={COLOURS[k % COLOURS.length].fill} />
                );
              })}
            </g>
          );
        })}
      </svg>
      {/* Outside the SVG, which stretches to the page's width: text in it would stretch too. */}
      <div className="flex justify-between text-xs text-muted-foreground tabular-nums" aria-hidden="true">
        <span>{rows[0]?.day}</span>
        <span>{spent.length > 0 && `tallest bar: ${n(max)} neurons`}</span>
        <span>{rows.at(-1)?.day}</span>
      </div>
      <ul className="mt-1 flex flex-wrap gap-x-4 gap-y-1 text-xs" aria-hidden="true">
        {names.map((name, k) => (
          <li key={name} className="flex items-center gap-1">
            <span className={`inline-block size-3 rounded-sm ${COLOURS[k % COLOURS.length].swatch}`} />
            {name}
          </li>
        ))}
      </ul>
      <table className="mt-3 w-full text-sm">
        <caption className="text-left text-xs text-muted-foreground">
          {title}, by {split}, in neurons: days with spend, newest first{spent.length ? "" : " (none yet)"}
        </caption>
        <thead>
          <tr className="text-left">
            <th scope="col">Day (UTC)</th>
            {names.map((name) => (
              <th key={name} scope="col" className="text-right">
                {name}
              </th>
            ))}
            <th scope="col" className="text-right">
              Total
            </th>
          </tr>
        </thead>
        <tbody className="tabular-nums">
          {spent.map((r) => (
            <tr key={r.day}>
              <th scope="row" className="text-left font-normal">
                {r.day}
              </th>
              {names.map((name) => (
                <td key={name} className="text-right">
                  {n(r.by.get(name) ?? 0)}
                </td>
              ))}
              <td className="text-right">{n(r.total)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
