import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, type RouterOutputs } from "../api/client.ts";
import { messageOf } from "../api/errors.ts";

type PresetView = RouterOutputs["presets"]["list"][number];

interface Props {
  preset: PresetView;
  tenantId: string;
  tenantName: string;
  servers: { id: string; name: string }[];
  canEdit: boolean;
}

function tenantWideId(preset: PresetView, tenantId: string): string | undefined {
  return preset.enablements.find((e) => e.tenantId === tenantId && e.serverId === null)?.id;
}

export function PresetRow({ preset, tenantId, tenantName, servers, canEdit }: Props) {
  const queryClient = useQueryClient();
  const [serverToEnable, setServerToEnable] = useState("");
  const done = () => queryClient.invalidateQueries();
  const enable = useMutation({ mutationFn: (target: { tenantId: string } | { serverId: string }) => api.presets.enable.mutate({ presetId: preset.id, ...target }), onSuccess: done });
  const disable = useMutation({ mutationFn: (presetEnablementId: string) => api.presets.disable.mutate({ presetEnablementId }), onSuccess: done });
  const busy = enable.isPending || disable.isPending;
  // While a switch is on its way, show where it is going rather than where it was.
  const switching = enable.isPending && enable.variables && "tenantId" in enable.variables ? true : disable.isPending && disable.variables === tenantWideId(preset, tenantId) ? false : undefined;
  const ofTenant = preset.enablements.filter((e) => e.tenantId === tenantId);
  const tenantWide = ofTenant.find((e) => e.serverId === null);
  const perServer = ofTenant.filter((e) => e.serverId !== null);
  const serverName = (id: string | null) => servers.find((s) => s.id === id)?.name ?? id ?? "";
  const available = servers.filter((s) => !perServer.some((e) => e.serverId === s.id));
  const error = enable.error ?? disable.error;
  const toggleId = `preset-${preset.id}-tenant`;
  const selectId = `preset-${preset.id}-server`;
  return (
    <tr data-preset={preset.name}>
      <td data-label="Provider">
        <strong>{preset.name}</strong>
        <div className="small muted mono">{preset.hosts.join(", ")}</div>
      </td>
      <td data-label="Services">{preset.services.join(", ")}</td>
      <td data-label={`All servers of ${tenantName}`}>
        <label htmlFor={toggleId} className="row">
          <input
            id={toggleId}
            type="checkbox"
            checked={switching ?? tenantWide !== undefined}
            disabled={!canEdit || busy}
            onChange={(e) => (e.target.checked ? enable.mutate({ tenantId }) : tenantWide && disable.mutate(tenantWide.id))}
          />
          {tenantWide ? "on" : "off"}
          <span className="visually-hidden"> for every server of {tenantName}</span>
        </label>
      </td>
      <td data-label="Single servers">
        <ul className="plain-list">
          {perServer.map((e) => (
            <li key={e.id} className="row">
              {serverName(e.serverId)}
              {canEdit && (
                <button type="button" className="button small" disabled={busy} onClick={() => disable.mutate(e.id)} aria-label={`Switch ${preset.name} off on ${serverName(e.serverId)}`}>
                  Off
                </button>
              )}
            </li>
          ))}
        </ul>
        {preset.moreEnablements && <p className="small muted">and more servers (the first {preset.enablements.length} are shown)</p>}
        {canEdit && available.length > 0 && (
          <form
            className="row"
            onSubmit={(ev) => {
              ev.preventDefault();
              if (serverToEnable) enable.mutate({ serverId: serverToEnable });
            }}
          >
            <label className="visually-hidden" htmlFor={selectId}>
              Switch {preset.name} on for one server
            </label>
            <select id={selectId} value={serverToEnable} onChange={(e) => setServerToEnable(e.target.value)} style={{ width: "auto" }}>
              <option value="">Server…</option>
              {available.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
            <button type="submit" className="button small" disabled={busy || !serverToEnable}>
              On
            </button>
          </form>
        )}
        {error && (
          <p className="error small" role="alert">
            {messageOf(error)}
          </p>
        )}
      </td>
    </tr>
  );
}
