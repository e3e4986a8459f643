/** A moment as "5 min ago" / "in 2 h", with the exact time on hover and for screen readers. */
export function When({ at, never = "never" }: { at: string | Date | null | undefined; never?: string }) {
  if (!at) return <span className="muted">{never}</span>;
  const date = typeof at === "string" ? new Date(at) : at;
  return (
    <time dateTime={date.toISOString()} title={date.toLocaleString()}>
      {relative(date, new Date())}
    </time>
  );
}

function relative(date: Date, now: Date): string {
  const seconds = Math.round((date.getTime() - now.getTime()) / 1000);
  const abs = Math.abs(seconds);
  const [value, unit] =
    abs < 60 ? [abs, "s"] : abs < 3600 ? [Math.round(abs / 60), "min"] : abs < 86400 ? [Math.round(abs / 3600), "h"] : [Math.round(abs / 86400), "d"];
  if (abs < 5) return "just now";
  return seconds < 0 ? `${value} ${unit} ago` : `in ${value} ${unit}`;
}
