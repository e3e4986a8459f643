import type { RouterOutputs } from "../api/client.ts";
import { Badge } from "../components/Badge.tsx";
import { DataTable } from "../components/DataTable.tsx";
import { When } from "../components/When.tsx";

type Delivery = RouterOutputs["alerts"]["deliveries"][number];

const tone = { DELIVERED: "ok", PENDING: "warn", FAILED: "bad" } as const;

export function DeliveriesTable({ deliveries }: { deliveries: Delivery[] }) {
  return (
    <DataTable
      label="Recent alert deliveries"
      rows={deliveries}
      rowKey={(delivery) => delivery.id}
      empty="No alerts sent yet."
      columns={[
        { header: "Raised", cell: (d) => <When at={d.createdAt} /> },
        { header: "Rule", cell: (d) => d.ruleName },
        { header: "Alert", cell: (d) => d.text },
        { header: "Status", cell: (d) => <Badge tone={tone[d.status]}>{d.status.toLowerCase()}</Badge> },
        { header: "Attempts", cell: (d) => d.attempts },
        { header: "Last error", cell: (d) => d.lastError ?? "" },
      ]}
    />
  );
}
