import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, type RouterOutputs } from "../api/client.ts";
import { messageOf } from "../api/errors.ts";
import { DataTable } from "../components/DataTable.tsx";
import { Notice } from "../components/Notice.tsx";
import { When } from "../components/When.tsx";
import { useTenants } from "../tenants/useTenants.ts";
import { alertDeliveriesKey, alertRulesKey, ALERT_KINDS } from "./useAlertRules.ts";

type AlertRule = RouterOutputs["alerts"]["list"][number];

const kindLabel = (kind: string) => ALERT_KINDS.find((known) => known.kind === kind)?.label ?? kind;

export function AlertRulesTable({ rules, canChange }: { rules: AlertRule[]; canChange: boolean }) {
  const queryClient = useQueryClient();
  const tenants = useTenants();
  const tenantName = (id: string | null) => (id === null ? "Whole fleet" : (tenants.data?.find((tenant) => tenant.id === id)?.name ?? id.slice(0, 8)));
  const refresh = () => Promise.all([queryClient.invalidateQueries({ queryKey: alertRulesKey }), queryClient.invalidateQueries({ queryKey: alertDeliveriesKey })]);
  const remove = useMutation({ mutationFn: (rule: AlertRule) => api.alerts.remove.mutate({ alertRuleId: rule.id }), onSuccess: refresh });
  const test = useMutation({ mutationFn: (rule: AlertRule) => api.alerts.test.mutate({ alertRuleId: rule.id }), onSuccess: refresh });
  const failed = remove.error ?? test.error;
  return (
    <>
      {failed && <Notice tone="bad">{messageOf(failed)}</Notice>}
      {test.isSuccess && <Notice tone="ok">Test alert queued; its delivery shows below.</Notice>}
      <DataTable
        label="Alert rules"
        rows={rules}
        rowKey={(rule) => rule.id}
        empty="No alert rules yet: nobody is told when a server goes offline."
        columns={[
          { header: "Name", cell: (rule) => rule.name },
          { header: "For", cell: (rule) => tenantName(rule.tenantId) },
          { header: "Alerts on", cell: (rule) => rule.kinds.map(kindLabel).join(", ") },
          { header: "Sent to", className: "mono", cell: (rule) => (rule.channel === "EMAIL" ? rule.email : rule.webhookUrl) },
          { header: "Created", cell: (rule) => <When at={rule.createdAt} /> },
          {
            header: "Actions",
            cell: (rule) =>
              canChange ? (
                <div className="row">
                  <button type="button" className="button small" onClick={() => test.mutate(rule)} disabled={test.isPending}>
                    Send test
                  </button>
                  <button
                    type="button"
                    className="button small danger"
                    onClick={() => {
                      if (window.confirm(`Remove the alert rule “${rule.name}”? Its queued alerts are dropped.`)) remove.mutate(rule);
                    }}
                  >
                    Remove
                  </button>
                </div>
              ) : null,
          },
        ]}
      />
    </>
  );
}
