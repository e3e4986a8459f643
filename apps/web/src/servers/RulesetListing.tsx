import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "../api/client.ts";
import { ErrorNotice, Loading } from "../components/Notice.tsx";

type View = "listing" | "iptables" | "nft";

/** The fleet's `iptables -nL`: what this server's agent is told to enforce. */
export function RulesetListing({ serverId }: { serverId: string }) {
  const [view, setView] = useState<View>("listing");
  const ruleset = useQuery({ queryKey: ["rulesets.effective", serverId], queryFn: () => api.rulesets.effective.query({ serverId }), refetchInterval: 10_000 });
  if (ruleset.isPending) return <Loading what="the effective ruleset" />;
  if (ruleset.error) return <ErrorNotice error={ruleset.error} />;
  const { listing, compiled, fqdns } = ruleset.data;
  const text = view === "listing" ? listing : view === "nft" ? compiled.nft : [compiled.iptables.ipsetRestore, compiled.iptables.iptablesV4, compiled.iptables.iptablesV6].join("\n");
  return (
    <div className="stack">
      <div className="row" role="group" aria-label="Ruleset format">
        {(["listing", "iptables", "nft"] as const).map((v) => (
          <button key={v} type="button" className={`button small ${view === v ? "primary" : ""}`} aria-pressed={view === v} onClick={() => setView(v)}>
            {v === "listing" ? "Listing (iptables -nL)" : v === "iptables" ? "iptables-restore + ipset" : "nft"}
          </button>
        ))}
      </div>
      {fqdns.length > 0 && <p className="small muted">Host names resolved by the agent: {fqdns.join(", ")}</p>}
      <pre className="listing" aria-label="Effective ruleset" tabIndex={0} data-testid="effective-ruleset">
        {text}
      </pre>
    </div>
  );
}
