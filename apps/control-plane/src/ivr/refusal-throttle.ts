// Refused AGI connections are audited, but a peer hammering the port must not turn each
// connection into a database write: one audit per peer and reason per window, carrying how
// many refusals it stands for.

export interface RefusalThrottle {
  /** The number of refusals to report now (this one included), or 0 to stay quiet. */
  admit(key: string, now: number): number;
}

export function refusalThrottle(windowMs: number, maxKeys = 10_000): RefusalThrottle {
  const windows = new Map<string, { openedAt: number; quiet: number }>();
  return {
    admit(key, now) {
      const window = windows.get(key);
      if (window && now - window.openedAt < windowMs) {
        window.quiet += 1;
        return 0;
      }
      if (windows.size >= maxKeys) windows.clear();
      windows.set(key, { openedAt: now, quiet: 0 });
      return 1 + (window?.quiet ?? 0);
    },
  };
}
