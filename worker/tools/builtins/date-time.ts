import { tool, zodSchema, type Tool } from "ai";
import { z } from "zod";
import { AppError } from "../../../contract/errors";
import { describeBuiltin } from "./describe";

/**
 * Dates the way a person means them: calendar dates and wall-clock times in their own time zone.
 * Arithmetic is done on the calendar fields (a day is the next date at the same wall-clock time, so
 * across a DST change it is 23 or 25 hours), and a month past the 31st lands on the month's last
 * day, as calendars and date libraries do. Intl knows the zones; nothing here needs a library.
 */

const UNITS = ["days", "weeks", "months", "years"] as const;
type Unit = (typeof UNITS)[number];

interface Wall {
  year: number;
  month: number;
  day: number;
  /** Absent on a bare date: the answer then stays a bare date. */
  time?: { hour: number; minute: number; second: number };
}

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

export function parseWall(text: string, field: string): Wall {
  const m = DATE_PATTERN.exec(text.trim());
  const wall: Wall | null = m
    ? {
        year: Number(m[1]),
        month: Number(m[2]),
        day: Number(m[3]),
        ...(m[4] ? { time: { hour: Number(m[4]), minute: Number(m[5]), second: Number(m[6] ?? 0) } } : {}),
      }
    : null;
  if (!wall || !isRealDate(wall)) {
    throw new AppError(
      "tool_input",
      `${field} "${text.slice(0, 40)}" is not a date: write it as YYYY-MM-DD, or YYYY-MM-DDTHH:MM for a time too.`,
    );
  }
  return wall;
}

function isRealDate({ year, month, day, time }: Wall): boolean {
  const d = new Date(Date.UTC(year, month - 1, day));
  const dateOk = d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
  return dateOk && (!time || (time.hour < 24 && time.minute < 60 && time.second < 60));
}

/** The date and time a zone's clocks show at an instant, and how far ahead of UTC they are. */
export function zonedWall(instant: number, timeZone: string): { wall: Required<Wall>; offsetMinutes: number; weekday: string } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      weekday: "long",
    })
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  const wall = {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    time: { hour: Number(parts.hour), minute: Number(parts.minute), second: Number(parts.second) },
  };
  const asUtc = utcOf(wall);
  const offsetMinutes = Math.round((asUtc - Math.floor(instant / 1000) * 1000) / 60_000);
  return { wall, offsetMinutes, weekday: parts.weekday };
}

function utcOf({ year, month, day, time }: Wall): number {
  return Date.UTC(year, month - 1, day, time?.hour ?? 0, time?.minute ?? 0, time?.second ?? 0);
}

/**
 * The instant a wall-clock time names in a zone. A time the clocks skip (02:30 on a spring-forward
 * night) resolves to the same distance past the jump (03:30), as Temporal's "compatible" does.
 */
function instantOf(wall: Wall, timeZone: string): number {
  const naive = utcOf(wall);
  // The zone's offsets a day either side: a time zone changes its offset at most once in two days.
  const before = naive - zonedWall(naive - 86_400_000, timeZone).offsetMinutes * 60_000;
  const after = naive - zonedWall(naive + 86_400_000, timeZone).offsetMinutes * 60_000;
  const shows = (instant: number) => utcOf(zonedWall(instant, timeZone).wall) === naive;
  // Both read the same wall time when the clocks repeat an hour: the first of the two. Neither does
  // when they skip it: the offset from before the jump puts it as far past the jump as it was into it.
  const matching = [before, after].filter(shows);
  return matching.length ? Math.min(...matching) : before;
}

export function addToWall(wall: Wall, amount: number, unit: Unit): Wall {
  if (unit === "days" || unit === "weeks") {
    const d = new Date(Date.UTC(wall.year, wall.month - 1, wall.day + amount * (unit === "weeks" ? 7 : 1)));
    return { ...wall, year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
  }
  const months = wall.year * 12 + (wall.month - 1) + amount * (unit === "years" ? 12 : 1);
  const year = Math.floor(months / 12);
  const month = (months % 12) + 1;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return { ...wall, year, month, day: Math.min(wall.day, lastDay) };
}

/** Calendar days from one date to another (negative when `to` is earlier); times of day are ignored. */
export function daysBetween(from: Wall, to: Wall): number {
  return Math.round((Date.UTC(to.year, to.month - 1, to.day) - Date.UTC(from.year, from.month - 1, from.day)) / 86_400_000);
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

function formatDate({ year, month, day }: Wall): string {
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

export interface DescribedMoment {
  date: string;
  weekday: string;
  time?: string;
  utcOffset?: string;
  iso?: string;
  timeZone: string;
}

/** A wall-clock date (and time, with the zone's offset then) as the model gets it back. */
function describeWall(wall: Wall, timeZone: string): DescribedMoment {
  const weekday = new Date(Date.UTC(wall.year, wall.month - 1, wall.day)).toLocaleDateString("en-US", { weekday: "long", timeZone: "UTC" });
  if (!wall.time) return { date: formatDate(wall), weekday, timeZone };
  const zoned = zonedWall(instantOf(wall, timeZone), timeZone);
  const time = `${pad(zoned.wall.time.hour)}:${pad(zoned.wall.time.minute)}:${pad(zoned.wall.time.second)}`;
  const offset = formatOffset(zoned.offsetMinutes);
  return {
    date: formatDate(zoned.wall),
    weekday: zoned.weekday,
    time,
    utcOffset: offset,
    iso: `${formatDate(zoned.wall)}T${time}${offset}`,
    timeZone,
  };
}

export function now(instant: number, timeZone: string): DescribedMoment {
  const { wall } = zonedWall(instant, timeZone);
  return describeWall(wall, timeZone);
}

const inputFields = z.object({
  operation: z
    .enum(["now", "add", "subtract", "between"])
    .describe("now: the current date and time; add/subtract: move a date by an amount; between: days from `date` to `to`."),
  date: z.string().optional().describe("YYYY-MM-DD or YYYY-MM-DDTHH:MM, in the person's time zone. Default: now."),
  amount: z.number().int().optional().describe("For add/subtract: how many units."),
  unit: z.enum(UNITS).optional().describe("For add/subtract: days, weeks, months or years."),
  to: z.string().optional().describe("For between: the second date, YYYY-MM-DD."),
});

export type DateTimeInput = z.infer<typeof inputFields>;
// Made once per isolate: the AI SDK caches a schema's JSON form on the wrapper, so a wrapper made per
// request converted it again on every question (bench:relay-profile, MODEL=<a tool model>).
const inputSchema = zodSchema(inputFields);

/** The most a model could sensibly move a date: 10,000 years either way keeps every date in Date's range. */
const MAX_AMOUNT = { days: 3_650_000, weeks: 521_000, months: 120_000, years: 10_000 } satisfies Record<Unit, number>;

export function dateTime(input: DateTimeInput, timeZone: string, instant: number) {
  const today = (): Wall => {
    const { year, month, day } = zonedWall(instant, timeZone).wall;
    return { year, month, day };
  };
  const start = input.date ? parseWall(input.date, "date") : today();
  if (input.operation === "now") return now(instant, timeZone);
  if (input.operation === "between") {
    if (!input.to) throw new AppError("tool_input", "between needs `to`: the date to count the days to (YYYY-MM-DD).");
    const to = parseWall(input.to, "to");
    const days = daysBetween(start, to);
    return { from: formatDate(start), to: formatDate(to), days, weeks: Math.trunc(days / 7), remainingDays: days % 7 };
  }
  if (input.amount === undefined || !input.unit) {
    throw new AppError("tool_input", `${input.operation} needs \`amount\` (a whole number) and \`unit\` (days, weeks, months or years).`);
  }
  if (Math.abs(input.amount) > MAX_AMOUNT[input.unit]) {
    throw new AppError(
      "tool_input",
      `${input.amount} ${input.unit} is too far: at most ${MAX_AMOUNT[input.unit].toLocaleString("en-US")}.`,
    );
  }
  const amount = input.operation === "subtract" ? -input.amount : input.amount;
  return {
    from: describeWall(start, timeZone),
    [input.operation === "subtract" ? "subtracted" : "added"]: `${input.amount} ${input.unit}`,
    result: describeWall(addToWall(start, amount, input.unit), timeZone),
  };
}

export function dateTimeTool(ctx: { timeZone: string }, clock: () => number = Date.now): Tool {
  return tool({
    description: describeBuiltin("date_time"),
    inputSchema,
    execute: async (input: DateTimeInput) => dateTime(input, ctx.timeZone, clock()),
  });
}
