import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api } from "../api/client.ts";
import { fieldErrorsOf, messageOf } from "../api/errors.ts";
import { describedBy, Field } from "../components/Field.tsx";
import { Notice } from "../components/Notice.tsx";
import { ScopeFields } from "./ScopeFields.tsx";
import { scopeOf, type ScopeDraft } from "./scope.ts";
import { ServicesField } from "./ServicesField.tsx";
import { useServiceChoices } from "./useServiceChoices.ts";

interface Props {
  defaultTenantId: string;
  allowFleet: boolean;
  /** On a server's page: entries go to that server and the scope controls are hidden. */
  fixedServer?: { id: string; name: string; tenantId: string };
}

/** A datetime-local value (the browser's local time) as ISO-8601 with an offset, or null. */
function expiryOf(local: string): string | null {
  return local ? new Date(local).toISOString() : null;
}

/** A country entry (country:CA) is asked about before it is added: it may cover the operator. */
const COUNTRY_SOURCE = /^\s*country:/i;

/**
 * For a country, whether to go on: the control plane says whether it covers the address this
 * browser comes from, and then the operator confirms (a country list moves; it is no way to keep
 * oneself in). Any other source goes on at once.
 */
async function confirmedCountry(source: string, services: string[]): Promise<boolean> {
  if (!COUNTRY_SOURCE.test(source)) return true;
  const check = await api.entries.checkSource.query({ source, services });
  if (!check.coversYourAddress) return true;
  return window.confirm(`${check.source} covers your own address (${check.yourAddress}). Country lists are never exact and change with each geo database: keep your own access with an address entry. Allow ${check.source} anyway?`);
}

/** The API names scope problems by the id it could not place; all of them belong to "scope". */
function scopeError(errors: Record<string, string | undefined>): string | undefined {
  return errors.scope ?? errors.serverId ?? errors.tenantId ?? errors.group;
}

export function AddEntryForm({ defaultTenantId, allowFleet, fixedServer }: Props) {
  const queryClient = useQueryClient();
  const [source, setSource] = useState("");
  // No default: an entry opens exactly the services the operator chose.
  const [services, setServices] = useState<string[]>([]);
  const [servicesMissing, setServicesMissing] = useState(false);
  const [scope, setScope] = useState<ScopeDraft>({
    kind: fixedServer ? "SERVER" : "TENANT",
    tenantId: fixedServer?.tenantId ?? defaultTenantId,
    group: "",
    serverId: fixedServer?.id ?? "",
  });
  const [expiresAt, setExpiresAt] = useState("");
  const [comment, setComment] = useState("");
  const [added, setAdded] = useState<{ source: string; warnings: string[] } | null>(null);
  const choices = useServiceChoices(scope.tenantId);

  const add = useMutation({
    mutationFn: async () => ((await confirmedCountry(source, services)) ? api.entries.add.mutate({ source, services, scope: scopeOf(scope), comment, expiresAt: expiryOf(expiresAt) }) : null),
    onSuccess: async (entry) => {
      if (entry === null) return;
      setAdded({ source: entry.source, warnings: entry.warnings });
      setSource("");
      setComment("");
      await queryClient.invalidateQueries();
    },
    onMutate: () => setAdded(null),
  });
  const errors: Record<string, string | undefined> = servicesMissing ? { services: "choose the services this source may reach (SIP + RTP for a trunk or a phone)" } : fieldErrorsOf(add.error);
  const placed = new Set(["source", "services", "scope", "serverId", "tenantId", "group", "expiresAt", "comment"]);
  const unplaced = !servicesMissing && add.error && !Object.keys(errors).some((f) => placed.has(f)) ? messageOf(add.error) : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setServicesMissing(services.length === 0);
    if (services.length > 0) add.mutate();
  };

  return (
    <form className="form" onSubmit={submit} aria-label="Allow a source">
      {unplaced && <Notice tone="bad">{unplaced}</Notice>}
      {added && <Notice tone="ok">{added.source} is allowed.</Notice>}
      {added?.warnings.map((warning) => (
        <Notice key={warning} tone="warn">
          {warning}
        </Notice>
      ))}
      <div className="form-row">
        <Field id="entry-source" label="Address, CIDR or host name" error={errors.source} hint="e.g. 198.51.100.7, 203.0.113.0/24, 2001:db8::/48, sip.example.com or country:CA">
          <input {...describedBy("entry-source", errors.source, true)} type="text" required autoComplete="off" spellCheck={false} value={source} onChange={(e) => setSource(e.target.value)} />
        </Field>
        <Field id="entry-comment" label="Comment" error={errors.comment}>
          <input {...describedBy("entry-comment", errors.comment)} type="text" value={comment} onChange={(e) => setComment(e.target.value)} placeholder="Head office" />
        </Field>
      </div>
      <ServicesField
        idPrefix="entry-services"
        choices={choices}
        selected={services}
        onChange={(next) => {
          setServices(next);
          setServicesMissing(false);
        }}
        error={errors.services}
      />
      {fixedServer ? (
        <p className="muted small">Scope: this server ({fixedServer.name}) only.</p>
      ) : (
        <ScopeFields draft={scope} onChange={setScope} allowFleet={allowFleet} error={scopeError(errors)} />
      )}
      <div className="form-row">
        <Field id="entry-expiry" label="Expires (optional)" error={errors.expiresAt} hint="Leave empty to keep the entry until it is removed.">
          <input {...describedBy("entry-expiry", errors.expiresAt, true)} type="datetime-local" value={expiresAt} onChange={(e) => setExpiresAt(e.target.value)} />
        </Field>
      </div>
      <div>
        <button type="submit" className="button primary" disabled={add.isPending}>
          {add.isPending ? "Adding…" : "Allow"}
        </button>
      </div>
    </form>
  );
}
