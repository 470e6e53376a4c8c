import { useEffect, useRef } from "react";

/**
 * The microphone's level and the time against the limit. Drawn in animation frames straight onto two
 * elements (a transform and a text node), never through React state: each frame is a few microseconds
 * of work, so recording adds no long main-thread task.
 */
export function LevelMeter({ level, elapsed, limitSeconds }: { level: () => number; elapsed?: () => number; limitSeconds?: number }) {
  const bar = useRef<HTMLSpanElement>(null);
  const time = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    let frame = requestAnimationFrame(function draw() {
      if (bar.current) bar.current.style.transform = `scaleX(${Math.max(0.02, level()).toFixed(3)})`;
      if (time.current && elapsed) {
        const text = clock(elapsed() / 1000) + (limitSeconds ? ` / ${clock(limitSeconds)}` : "");
        if (time.current.textContent !== text) time.current.textContent = text;
      }
      frame = requestAnimationFrame(draw);
    });
    return () => cancelAnimationFrame(frame);
  }, [level, elapsed, limitSeconds]);
  return (
    <span className="flex items-center gap-2 text-xs tabular-nums text-muted-foreground">
      <span aria-hidden="true" className="h-1.5 w-16 overflow-hidden rounded-full bg-muted">
        <span ref={bar} className="block h-full w-full origin-left rounded-full bg-red-600" style={{ transform: "scaleX(0.02)" }} />
      </span>
      {elapsed && <span ref={time} title="Recording time and its limit" />}
    </span>
  );
}

export function clock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}
