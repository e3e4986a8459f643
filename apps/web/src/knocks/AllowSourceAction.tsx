// "Allow this source for N hours" on a row of the top sources: one click opens the choice (how
// long, which services: by default those whose ports it tried, else SIP), a second confirms,
// saying until when. It writes through entries.add like any entry, so it is audited as one
// (comment "allowed from blocked attempts"). Once allowed the row says until when instead.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState } from "react";
import { api } from "../api/client.ts";
import { messageOf } from "../api/errors.ts";
import { Notice } from "../components/Notice.tsx";
import { servicesForPorts, type ServicePorts } from "./knockMath.ts";

const HOURS = [1, 4, 24, 72] as const;
const DEFAULT_HOURS = 4;
const ALLOW_COMMENT = "allowed from blocked attempts";

export type AllowScope = { kind: "SERVER"; serverId: string } | { kind: "TENANT"; tenantId: string };

interface Props {
  source: string;
  ports: readonly { protocol: string; port: number }[];
  scope: AllowScope;
  /** "pbx-nyc-1" or "every server of Acme Dental", as the confirmation says it. */
  where: string;
  services: readonly (ServicePorts & { name: string })[];
}

const untilFormat = new Intl.DateTimeFormat(undefined, { weekday: "short", hour: "2-digit", minute: "2-digit", timeZoneName: "short" });

export function AllowSourceAction({ source, ports, scope, where, services }: Props) {
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [hours, setHours] = useState<number>(DEFAULT_HOURS);
  const suggested = servicesForPorts(ports, services);
  const [chosen, setChosen] = useState<string[] | null>(null);
  const picked = chosen ?? suggested;
  const id = useId();
  const hoursRef = useRef<HTMLSelectElement>(null);
  const askRef = useRef<HTMLButtonElement>(null);
  const asked = useRef(false);
  // The keyboard follows the step: to the duration when it opens, back to "Allow…" on Cancel.
  useEffect(() => {
    if (open) hoursRef.current?.focus();
    else if (asked.current) askRef.current?.focus();
    asked.current ||= open;
  }, [open]);

  const allow = useMutation({
    mutationFn: () =>
      api.entries.add.mutate({ source, services: picked, scope, comment: ALLOW_COMMENT, expiresAt: new Date(Date.now() + hours * 3_600_000).toISOString() }),
    onSuccess: async () => {
      setOpen(false);
      await queryClient.invalidateQueries({ queryKey: ["entries.list"] });
    },
  });

  if (!open) {
    return (
      <button type="button" ref={askRef} className="button small" onClick={() => setOpen(true)} aria-label={`Allow ${source}…`}>
        Allow…
      </button>
    );
  }
  const until = untilFormat.format(new Date(Date.now() + hours * 3_600_000));
  const names = services.filter((s) => picked.includes(s.id)).map((s) => s.name);
  return (
    <div className="allow-source stack" role="group" aria-label={`Allow ${source}`}>
      <div className="field">
        <label htmlFor={`${id}-hours`}>For</label>
        <select id={`${id}-hours`} ref={hoursRef} value={hours} onChange={(e) => setHours(Number(e.target.value))}>
          {HOURS.map((h) => (
            <option key={h} value={h}>
              {h === 1 ? "1 hour" : `${h} hours`}
            </option>
          ))}
        </select>
      </div>
      <fieldset className="field">
        <legend>Services</legend>
        <div className="checks">
          {services.map((service) => (
            <label key={service.id}>
              <input
                type="checkbox"
                checked={picked.includes(service.id)}
                onChange={(e) => setChosen(e.target.checked ? [...picked, service.id] : picked.filter((p) => p !== service.id))}
              />
              {service.name}
            </label>
          ))}
        </div>
      </fieldset>
      <Notice tone="warn">
        Allow {source} to reach {names.length > 0 ? names.join(", ") : "no service"} on {where} until {until} ({hours} h)? The entry then closes by itself.
      </Notice>
      <div className="row">
        <button type="button" className="button primary" onClick={() => allow.mutate()} disabled={allow.isPending || picked.length === 0}>
          Allow for {hours} h
        </button>
        <button type="button" className="button" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
      {allow.error && <Notice tone="bad">{messageOf(allow.error)}</Notice>}
    </div>
  );
}
