interface Props {
  /** 1-based: which version is on screen. */
  index: number;
  count: number;
  /** Shows the version `delta` away (-1 previous, +1 next). */
  onSwitch: (delta: -1 | 1) => void;
  disabled: boolean;
}

/** "‹ 2 / 3 ›" under a message that has other versions (regenerated answers, edited questions). */
export function VersionSwitcher({ index, count, onSwitch, disabled }: Props) {
  const arrow = "inline-flex size-6 items-center justify-center rounded hover:bg-muted disabled:opacity-40 disabled:hover:bg-transparent";
  return (
    <span role="group" aria-label="Versions" className="inline-flex items-center gap-0.5 text-xs text-muted-foreground">
      <button type="button" className={arrow} aria-label="Previous version" disabled={disabled || index <= 1} onClick={() => onSwitch(-1)}>
        ‹
      </button>
      <span className="tabular-nums">
        {index} / {count}
      </span>
      <button type="button" className={arrow} aria-label="Next version" disabled={disabled || index >= count} onClick={() => onSwitch(1)}>
        ›
      </button>
    </span>
  );
}
