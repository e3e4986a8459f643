import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, type RouterOutputs } from "../api/client.ts";
import { messageOf } from "../api/errors.ts";
import { ConfirmedAction } from "../components/ConfirmedAction.tsx";
import { PresetSource } from "./PresetSource.tsx";

type PresetView = RouterOutputs["presets"]["list"][number];

interface Props {
  preset: PresetView;
  tenantId: string;
  tenantName: string;
  servers: { id: string; name: string }[];
  canEdit: boolean;
  /** Set for an MSP admin: their own presets can be edited (here) and deleted. */
  onEdit?: ((preset: PresetView) => void) | undefined;
}

function tenantWideId(preset: PresetView, tenantId: string): string | undefined {
  return preset.enablements.find((e) => e.tenantId === tenantId && e.serverId === null)?.id;
}

/** Edit and Delete of an MSP's own preset; a shipped one says so instead. */
function OwnPresetActions({ preset, onEdit }: { preset: PresetView; onEdit: (preset: PresetView) => void }) {
  const queryClient = useQueryClient();
  const remove = useMutation({ mutationFn: () => api.presets.delete.mutate({ presetId: preset.id }), onSuccess: () => queryClient.invalidateQueries() });
  if (preset.builtIn) return <p className="small muted">Ships with Gatehouse</p>;
  return (
    <div className="stack">
      <div>
        <button type="button" className="button small" onClick={() => onEdit(preset)}>
          Edit<span className="visually-hidden"> {preset.name}</span>
        </button>
      </div>
      <ConfirmedAction ask={`Delete ${preset.name}…`} confirm={`Delete ${preset.name}`} tone="bad" onConfirm={() => remove.mutate()} pending={remove.isPending} error={remove.error}>
        <p>Every server it is switched on for loses its hosts at once, in every tenant.</p>
      </ConfirmedAction>
    </div>
  );
}

export function PresetRow({ preset, tenantId, tenantName, servers, canEdit, onEdit }: Props) {
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
        <PresetSource preset={preset} />
        {onEdit && <OwnPresetActions preset={preset} onEdit={onEdit} />}
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
