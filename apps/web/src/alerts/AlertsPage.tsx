import { useState } from "react";
import { CopyBlock } from "../components/CopyBlock.tsx";
import { ErrorNotice, Loading, Notice } from "../components/Notice.tsx";
import { PageHeader } from "../components/PageHeader.tsx";
import type { Operator } from "../session/useSession.ts";
import { AlertRulesTable } from "./AlertRulesTable.tsx";
import { DeliveriesTable } from "./DeliveriesTable.tsx";
import { NewAlertRuleForm } from "./NewAlertRuleForm.tsx";
import { useAlertDeliveries, useAlertRules } from "./useAlertRules.ts";

/** A new webhook's signing secret: shown this once. */
function OneTimeSecret({ name, secret, onDone }: { name: string; secret: string; onDone: () => void }) {
  return (
    <Notice tone="warn">
      <div className="stack">
        <p>
          <strong>Signing secret of “{name}”.</strong> Copy it now: it is not shown again. Check each post with it: HMAC-SHA256 over <span className="mono">timestamp.body</span> equals <span className="mono">X-Gatehouse-Signature</span>.
        </p>
        <CopyBlock label={`Signing secret of alert rule ${name}`} text={secret} />
        <button type="button" className="button small" onClick={onDone}>
          Done
        </button>
      </div>
    </Notice>
  );
}

export function AlertsPage({ operator }: { operator: Operator }) {
  const rules = useAlertRules();
  const deliveries = useAlertDeliveries();
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const canChange = operator.role !== "VIEWER";
  return (
    <>
      <PageHeader title="Alerts" description="Who is told, by e-mail or signed webhook, when a server goes offline, drifts, rolls back or cannot resolve an FQDN, or someone is locked out." />
      {created && <OneTimeSecret name={created.name} secret={created.secret} onDone={() => setCreated(null)} />}
      <ErrorNotice error={rules.error} />
      <section className="panel" aria-labelledby="alert-rules-heading">
        <h2 id="alert-rules-heading">Rules</h2>
        {rules.isPending ? <Loading what="alert rules" /> : <AlertRulesTable rules={rules.data ?? []} canChange={canChange} />}
      </section>
      {canChange && (
        <section className="panel" aria-labelledby="new-alert-heading">
          <h2 id="new-alert-heading">New rule</h2>
          <NewAlertRuleForm fleetAllowed={operator.role === "MSP_ADMIN"} onCreated={(name, secret) => secret && setCreated({ name, secret })} />
        </section>
      )}
      <section className="panel" aria-labelledby="deliveries-heading">
        <h2 id="deliveries-heading">Recent deliveries</h2>
        {deliveries.isPending ? <Loading what="deliveries" /> : <DeliveriesTable deliveries={deliveries.data ?? []} />}
      </section>
    </>
  );
}
