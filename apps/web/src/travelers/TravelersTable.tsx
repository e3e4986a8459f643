import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client.ts";
import { messageOf } from "../api/errors.ts";
import { Badge } from "../components/Badge.tsx";
import { DataTable } from "../components/DataTable.tsx";
import { Notice } from "../components/Notice.tsx";
import { When } from "../components/When.tsx";
import type { TravelerView } from "./useTravelers.ts";

interface Props {
  travelers: TravelerView[];
  serverNames: Map<string, string>;
  canEdit: boolean;
  onPinReset: (name: string, pin: string) => void;
}

function scopeText(t: TravelerView, serverNames: Map<string, string>): string {
  const parts = [...t.scopeGroups.map((g) => `group ${g}`), ...t.scopeServerIds.map((id) => serverNames.get(id) ?? id)];
  return parts.length > 0 ? parts.join(", ") : "whole tenant";
}

function StateBadge({ traveler }: { traveler: TravelerView }) {
  if (!traveler.enabled) return <Badge tone="neutral">disabled</Badge>;
  if (traveler.lockedUntil && new Date(traveler.lockedUntil) > new Date()) return <Badge tone="bad">locked</Badge>;
  return <Badge tone="ok">enabled</Badge>;
}

export function TravelersTable({ travelers, serverNames, canEdit, onPinReset }: Props) {
  const queryClient = useQueryClient();
  const done = () => queryClient.invalidateQueries();
  const setEnabled = useMutation({ mutationFn: (v: { travelerId: string; enabled: boolean }) => api.travelers.setEnabled.mutate(v), onSuccess: done });
  const resetPin = useMutation({
    mutationFn: async (t: TravelerView) => ({ name: t.name, result: await api.travelers.resetPin.mutate({ travelerId: t.id }) }),
    onSuccess: async ({ name, result }) => {
      if (result.generatedPin) onPinReset(name, result.generatedPin);
      await done();
    },
  });
  const error = setEnabled.error ?? resetPin.error;
  return (
    <>
      {error && <Notice tone="bad">{messageOf(error)}</Notice>}
      <DataTable
        label="Travelers"
        rows={travelers}
        rowKey={(t) => t.id}
        rowData={(t) => ({ traveler: t.name })}
        empty="No travelers yet."
        columns={[
          {
            header: "Traveler",
            cell: (t) => (
              <>
                {t.name}
                <div className="small muted">{t.email}</div>
              </>
            ),
          },
          { header: "Account", className: "mono", cell: (t) => t.accountNumber },
          { header: "Scope", cell: (t) => scopeText(t, serverNames) },
          { header: "Services", cell: (t) => t.services.join(", ") },
          { header: "Grants", cell: (t) => `${t.maxActiveGrants} at most, ${t.grantLifetimeHours} h each` },
          {
            header: "State",
            cell: (t) => (
              <>
                <StateBadge traveler={t} />
                {t.lockedUntil && new Date(t.lockedUntil) > new Date() && (
                  <div className="small muted">
                    until <When at={t.lockedUntil} />
                  </div>
                )}
              </>
            ),
          },
          canEdit && {
            header: "Actions",
            headerHidden: true,
            cell: (t) => (
              <div className="row">
                <button type="button" className="button small" disabled={setEnabled.isPending} onClick={() => setEnabled.mutate({ travelerId: t.id, enabled: !t.enabled })} aria-label={`${t.enabled ? "Disable" : "Enable"} ${t.name}`}>
                  {t.enabled ? "Disable" : "Enable"}
                </button>
                <button
                  type="button"
                  className="button small"
                  disabled={resetPin.isPending}
                  onClick={() => {
                    if (window.confirm(`Give ${t.name} a new PIN? The old one stops working.`)) resetPin.mutate(t);
                  }}
                  aria-label={`Reset PIN of ${t.name}`}
                >
                  Reset PIN
                </button>
              </div>
            ),
          },
        ]}
      />
    </>
  );
}
