import { useEffect, useState } from "react";

/** Seconds left of `seconds`, ticking down once a second; starts again when `restartOn` changes. */
export function useCountdown(seconds: number, restartOn: unknown): number {
  const [left, setLeft] = useState(seconds);
  useEffect(() => setLeft(seconds), [seconds, restartOn]);
  useEffect(() => {
    if (left <= 0) return;
    const timer = setTimeout(() => setLeft((s) => s - 1), 1000);
    return () => clearTimeout(timer);
  }, [left]);
  return left;
}
