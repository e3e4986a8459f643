// A moment as "5 min ago" / "in 2 h" followed by the exact time in the browser's own zone, the
// zone named ("14:05 CET", "1 Dec, 09:30 GMT-5"), so two operators comparing notes across zones
// (or with the audit log's UTC exports) know which clock it is.

const sameDayFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", timeZoneName: "short" });
const otherDayFormat = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZoneName: "short" });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "full", timeStyle: "long" });

/** The exact moment with its zone, short: the time alone when it is today. */
function exactTime(date: Date, now = new Date()): string {
  return (date.toDateString() === now.toDateString() ? sameDayFormat : otherDayFormat).format(date);
}

export function When({ at, never = "never" }: { at: string | Date | null | undefined; never?: string }) {
  if (!at) return <span className="muted">{never}</span>;
  const date = typeof at === "string" ? new Date(at) : at;
  const now = new Date();
  return (
    <time className="when" dateTime={date.toISOString()} title={fullFormat.format(date)}>
      {relative(date, now)} <span className="when-exact">({exactTime(date, now)})</span>
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
