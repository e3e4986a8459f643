import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client.ts";
import { messageOf } from "../api/errors.ts";
import { Badge } from "../components/Badge.tsx";
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
      <div className="table-wrap stack-on-phone">
        <table className="table" aria-label="Travelers">
          <thead>
            <tr>
              <th scope="col">Traveler</th>
              <th scope="col">Account</th>
              <th scope="col">Scope</th>
              <th scope="col">Services</th>
              <th scope="col">Grants</th>
              <th scope="col">State</th>
              {canEdit && <th scope="col"><span className="visually-hidden">Actions</span></th>}
            </tr>
          </thead>
          <tbody>
            {travelers.length === 0 && (
              <tr>
                <td className="empty" colSpan={canEdit ? 7 : 6}>
                  No travelers yet.
                </td>
              </tr>
            )}
            {travelers.map((t) => (
              <tr key={t.id} data-traveler={t.name}>
                <td data-label="Traveler">
                  {t.name}
                  <div className="small muted">{t.email}</div>
                </td>
                <td data-label="Account" className="mono">
                  {t.accountNumber}
                </td>
                <td data-label="Scope">{scopeText(t, serverNames)}</td>
                <td data-label="Services">{t.services.join(", ")}</td>
                <td data-label="Grants">
                  {t.maxActiveGrants} at most, {t.grantLifetimeHours} h each
                </td>
                <td data-label="State">
                  <StateBadge traveler={t} />
                  {t.lockedUntil && new Date(t.lockedUntil) > new Date() && (
                    <div className="small muted">
                      until <When at={t.lockedUntil} />
                    </div>
                  )}
                </td>
                {canEdit && (
                  <td data-label="Actions">
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
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
