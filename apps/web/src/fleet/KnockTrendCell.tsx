// A server's blocked attempts in the fleet table: the count in words, which links to the
// server's blocked-attempts page, beside a sparkline of its 24 hours (one bar an hour).
import { lazy, Suspense } from "react";
import { droppedCount, droppedText } from "../knocks/knockMath.ts";
import "../knocks/knocks.css";
import { hrefFor } from "../routing/routes.ts";
import type { KnockTrend } from "./useFleetTrend.ts";

const KnockSparkline = lazy(() => import("./KnockSparkline.tsx"));

export function KnockTrendCell({ serverId, trend }: { serverId: string; trend: KnockTrend | undefined }) {
  const text = droppedText(trend?.packets ?? 0, 24);
  return (
    <span className="knock-trend">
      {trend && trend.packets > 0 && (
        <Suspense fallback={null}>
          <KnockSparkline hourly={trend.hourly} label={`Dropped packets per hour over the last 24 hours: ${text}`} />
        </Suspense>
      )}
      {/* The column's header says "24 h"; a screen reader hears it in the link too. */}
      <a href={hrefFor({ page: "knocks", tenantId: null, serverId })} data-testid="knock-trend">
        {droppedCount(trend?.packets ?? 0)}
        <span className="visually-hidden"> in 24 h</span>
      </a>
    </span>
  );
}
