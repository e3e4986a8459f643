import { useMutation } from "@tanstack/react-query";
import { api, type RouterInputs } from "../api/client.ts";
import { messageOf } from "../api/errors.ts";
import { Notice } from "../components/Notice.tsx";

type AuditFilters = Exclude<RouterInputs["audit"]["exportCsv"], void | undefined>;

/** Downloads the filtered events as CSV (made by the control plane, formulas defused). */
export function ExportCsvButton({ filters }: { filters: AuditFilters }) {
  const download = useMutation({
    mutationFn: () => api.audit.exportCsv.query(filters),
    onSuccess: ({ csv }) => {
      const url = URL.createObjectURL(new Blob([csv], { type: "text/csv;charset=utf-8" }));
      const link = document.createElement("a");
      link.href = url;
      link.download = `gatehouse-audit-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-")}.csv`;
      document.body.append(link);
      link.click();
      link.remove();
      URL.revokeObjectURL(url);
    },
  });
  return (
    <>
      <button type="button" className="button" onClick={() => download.mutate()} disabled={download.isPending}>
        {download.isPending ? "Exporting…" : "Download CSV"}
      </button>
      {download.data?.truncated && <Notice tone="warn">Only the newest {download.data.rows} events were exported: narrow the dates for the rest.</Notice>}
      {download.error && <Notice tone="bad">{messageOf(download.error)}</Notice>}
    </>
  );
}
