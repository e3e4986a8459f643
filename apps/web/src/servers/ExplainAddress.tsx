import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api } from "../api/client.ts";
import { messageOf } from "../api/errors.ts";
import { describedBy, Field } from "../components/Field.tsx";
import { Notice } from "../components/Notice.tsx";

type Explained = Awaited<ReturnType<typeof api.rulesets.explain.query>>;
type Allowance = Explained["explanation"]["allows"][number];

const minute = (iso: string) => `${iso.replace("T", " ").slice(0, 16)} UTC`;

function allowanceText(allow: Allowance): string {
  const via = "via" in allow && allow.via !== null ? ` (via ${allow.via.fqdn} as the agent resolved it at ${minute(allow.via.resolvedAt)})` : "";
  switch (allow.kind) {
    case "entry": {
      const what = allow.origin === "TRAVELER" ? "Traveler grant" : "Entry";
      const comment = allow.comment === "" ? "" : ` “${allow.comment}”`;
      return `${what} ${allow.source}${comment} (${allow.scope.kind.toLowerCase()}), ${allow.expiresAt === null ? "without end" : `until ${minute(allow.expiresAt)}`}${via}`;
    }
    case "preset":
      return `Provider preset ${allow.name} (${allow.source})${via}`;
    case "lan":
      return `LAN range ${allow.range}`;
    case "primaryAdmin":
      return `Primary admin ${allow.source}${via}`;
    case "mediaOpenToAll":
      return "RTP open to everyone";
  }
}

function liveText(live: Explained["live"]): { tone: "ok" | "warn" | "info"; text: string } {
  if (live.status === "offline") return { tone: "info", text: "Agent offline: live sets not checked." };
  if (live.status === "other-replica") return { tone: "info", text: "The agent is connected to another control-plane replica: live sets not checked from this one." };
  if (live.status === "unsupported") return { tone: "info", text: "The agent is too old to answer: live sets not checked." };
  if (live.status === "no-answer") return { tone: "warn", text: `The agent did not answer within ${live.waitedMs / 1000} s: live sets not checked.` };
  if (live.error !== null) return { tone: "warn", text: `The agent could not look: ${live.error}` };
  const differing = (live.verdicts ?? []).filter((verdict) => verdict.stored !== verdict.kernel).map((verdict) => verdict.service);
  if (differing.length === 0) return { tone: "ok", text: `The agent says its ${live.backend} sets agree.` };
  return { tone: "warn", text: `The agent says its ${live.backend} sets disagree for: ${differing.join(", ")}.` };
}

function ExplanationView({ explained }: { explained: Explained }) {
  const { explanation } = explained;
  const live = liveText(explained.live);
  return (
    <div className="stack" data-testid="explanation">
      <table className="table" aria-label={`What allows ${explanation.address}`}>
        <thead>
          <tr>
            <th scope="col">Service</th>
            <th scope="col">Allowed by</th>
          </tr>
        </thead>
        <tbody>
          {explanation.services.map((row) => (
            <tr key={row.service}>
              <td>{row.name}</td>
              <td>{row.allowedBy.length === 0 ? "Dropped" : row.allowedBy.map((index) => allowanceText(explanation.allows[index] as Allowance)).join("; ")}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {explanation.dropped && <Notice tone="warn">Nothing allows {explanation.address}: the base policy drops it, silently.</Notice>}
      <Notice tone={live.tone}>{live.text}</Notice>
    </div>
  );
}

/** "Why can (or can't) this address reach the server?", answered by rulesets.explain. */
export function ExplainAddress({ serverId }: { serverId: string }) {
  const [address, setAddress] = useState("");
  const explain = useMutation({ mutationFn: (text: string) => api.rulesets.explain.query({ serverId, address: text }) });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    explain.mutate(address.trim());
  };
  const error = explain.error ? messageOf(explain.error) : undefined;
  return (
    <div className="stack">
      <form className="form" onSubmit={submit} aria-label="Explain an address">
        <Field id="explain-address" label="Address" error={error} hint="One IPv4 or IPv6 address, e.g. 203.0.113.7">
          <input {...describedBy("explain-address", error, true)} value={address} onChange={(event) => setAddress(event.target.value)} autoComplete="off" spellCheck={false} />
        </Field>
        <div className="row">
          <button type="submit" className="button primary" disabled={explain.isPending || address.trim() === ""}>
            {explain.isPending ? "Asking…" : "Explain"}
          </button>
        </div>
      </form>
      {explain.data && !explain.isPending && <ExplanationView explained={explain.data} />}
    </div>
  );
}
