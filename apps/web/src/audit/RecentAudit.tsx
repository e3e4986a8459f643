import { useQuery } from "@tanstack/react-query";
import { api } from "../api/client.ts";
import { ErrorNotice, Loading } from "../components/Notice.tsx";
import { hrefFor } from "../routing/routes.ts";
import { AuditTable } from "./AuditTable.tsx";

/** The latest events about one thing (a server), with a link to the full log. */
export function RecentAudit({ targetId, limit = 10 }: { targetId: string; limit?: number }) {
  const events = useQuery({ queryKey: ["audit.list", { targetId, limit }], queryFn: () => api.audit.list.query({ targetId, limit }), refetchInterval: 10_000 });
  if (events.isPending) return <Loading what="audit events" />;
  if (events.error) return <ErrorNotice error={events.error} />;
  return (
    <div className="stack">
      <AuditTable events={events.data.events} label="Recent audit events" />
      <a href={hrefFor({ page: "audit" })}>Full audit log</a>
    </div>
  );
}
