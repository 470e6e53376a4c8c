import { describe, expect, it } from "vitest";
import { AppError } from "../../../contract/errors";
import { dateTime, dateTimeTool } from "./date-time";

const NY = "America/New_York";
/** 2026's spring-forward night in New York: 02:00 EST became 03:00 EDT at 07:00 UTC on 8 March. */
const SPRING_FORWARD = Date.UTC(2026, 2, 8, 7, 0, 0);

function toolError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("tool_input");
    return (error as AppError).message;
  }
  throw new Error("no error");
}

describe("date_time: now", () => {
  it("tells the wall-clock time and offset in the person's zone, either side of a DST change", () => {
    expect(dateTime({ operation: "now" }, NY, SPRING_FORWARD - 1000)).toEqual({
      date: "2026-03-08",
      weekday: "Sunday",
      time: "01:59:59",
      utcOffset: "-05:00",
      iso: "2026-03-08T01:59:59-05:00",
      timeZone: NY,
    });
    expect(dateTime({ operation: "now" }, NY, SPRING_FORWARD)).toMatchObject({ date: "2026-03-08", time: "03:00:00", utcOffset: "-04:00" });
  });

  it("knows half-hour zones and the date line", () => {
    const instant = Date.UTC(2026, 11, 31, 20, 0, 0);
    expect(dateTime({ operation: "now" }, "Asia/Kolkata", instant)).toMatchObject({
      date: "2027-01-01",
      time: "01:30:00",
      utcOffset: "+05:30",
    });
    expect(dateTime({ operation: "now" }, "Pacific/Kiritimati", instant)).toMatchObject({
      date: "2027-01-01",
      time: "10:00:00",
      utcOffset: "+14:00",
    });
    expect(dateTime({ operation: "now" }, "UTC", instant)).toMatchObject({ date: "2026-12-31", weekday: "Thursday", utcOffset: "+00:00" });
  });
});

describe("date_time: add and subtract", () => {
  it("a day across the DST change is the same wall-clock time the next day (23 hours), with the new offset", () => {
    const result = dateTime({ operation: "add", date: "2026-03-07T12:00", amount: 1, unit: "days" }, NY, 0);
    expect(result).toMatchObject({
      result: { date: "2026-03-08", time: "12:00:00", utcOffset: "-04:00", iso: "2026-03-08T12:00:00-04:00" },
    });
    expect(dateTime({ operation: "subtract", date: "2026-11-02T09:30", amount: 1, unit: "days" }, NY, 0)).toMatchObject({
      result: { iso: "2026-11-01T09:30:00-05:00" },
    });
  });

  it("a wall-clock time the clocks skip resolves past the jump; one they repeat takes the first", () => {
    expect(dateTime({ operation: "add", date: "2026-03-07T02:30", amount: 1, unit: "days" }, NY, 0)).toMatchObject({
      result: { date: "2026-03-08", time: "03:30:00", utcOffset: "-04:00" },
    });
    expect(dateTime({ operation: "add", date: "2026-10-31T01:30", amount: 1, unit: "days" }, NY, 0)).toMatchObject({
      result: { date: "2026-11-01", time: "01:30:00", utcOffset: "-04:00" },
    });
  });

  it.each([
    ["2026-01-31", 1, "months", "2026-02-28"],
    ["2028-01-31", 1, "months", "2028-02-29"],
    ["2026-03-31", -1, "months", "2026-02-28"],
    ["2026-05-31", 1, "months", "2026-06-30"],
    ["2026-12-31", 1, "days", "2027-01-01"],
    ["2026-01-31", 2, "weeks", "2026-02-14"],
    ["2024-02-29", 1, "years", "2025-02-28"],
    ["2026-11-30", 3, "months", "2027-02-28"],
  ] as const)("%s + %i %s = %s (month ends clamp)", (date, amount, unit, expected) => {
    expect(dateTime({ operation: "add", date, amount, unit }, "Europe/Berlin", 0)).toMatchObject({ result: { date: expected } });
  });

  it("starts from today in the person's zone when no date is given", () => {
    // 23:30 UTC on 31 January is already 1 February in Berlin.
    const instant = Date.UTC(2026, 0, 31, 23, 30);
    expect(dateTime({ operation: "add", amount: 1, unit: "months" }, "Europe/Berlin", instant)).toMatchObject({
      from: { date: "2026-02-01" },
      result: { date: "2026-03-01", weekday: "Sunday" },
    });
  });
});

describe("date_time: between", () => {
  it("counts calendar days, also backwards, whatever DST does in between", () => {
    expect(dateTime({ operation: "between", date: "2026-01-01", to: "2026-12-25" }, NY, 0)).toEqual({
      from: "2026-01-01",
      to: "2026-12-25",
      days: 358,
      weeks: 51,
      remainingDays: 1,
    });
    expect(dateTime({ operation: "between", date: "2026-03-01", to: "2026-04-01" }, NY, 0)).toMatchObject({ days: 31 });
    expect(dateTime({ operation: "between", date: "2026-03-01", to: "2026-02-01" }, NY, 0)).toMatchObject({ days: -28 });
  });
});

describe("date_time: errors in words", () => {
  it("refuses dates that do not exist and incomplete requests", () => {
    expect(toolError(() => dateTime({ operation: "add", date: "2026-02-30", amount: 1, unit: "days" }, "UTC", 0))).toMatch(/not a date/);
    expect(toolError(() => dateTime({ operation: "add", date: "next tuesday", amount: 1, unit: "days" }, "UTC", 0))).toMatch(/YYYY-MM-DD/);
    expect(toolError(() => dateTime({ operation: "add", date: "2026-01-01" }, "UTC", 0))).toMatch(/needs `amount`/);
    expect(toolError(() => dateTime({ operation: "between", date: "2026-01-01" }, "UTC", 0))).toMatch(/needs `to`/);
    expect(toolError(() => dateTime({ operation: "add", amount: 1e9, unit: "years" }, "UTC", 0))).toMatch(/too far/);
  });
});

it("the tool reads the clock and the person's zone from its context", async () => {
  const tool = dateTimeTool({ timeZone: "Asia/Tokyo" }, () => Date.UTC(2026, 5, 1, 15, 0));
  expect(await tool.execute!({ operation: "now" }, { toolCallId: "t", messages: [], context: undefined })).toMatchObject({
    date: "2026-06-02",
    time: "00:00:00",
    timeZone: "Asia/Tokyo",
  });
});
