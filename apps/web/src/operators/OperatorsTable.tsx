import { Badge } from "../components/Badge.tsx";
import { DataTable } from "../components/DataTable.tsx";
import { When } from "../components/When.tsx";
import type { Operator } from "../session/useSession.ts";
import { OperatorActions } from "./OperatorActions.tsx";
import { ROLE_LABELS, type OperatorView } from "./useOperators.ts";

interface Props {
  operators: OperatorView[];
  tenantNames: Map<string, string>;
  /** The signed-in operator: their own row has no actions (their account page has them). */
  me: Operator;
}

export function OperatorsTable({ operators, tenantNames, me }: Props) {
  const canEdit = me.role !== "VIEWER";
  return (
    <DataTable
      label="Operators"
      rows={operators}
      rowKey={(o) => o.id}
      rowData={(o) => ({ operator: o.email })}
      empty="No operators."
      columns={[
        { header: "Operator", cell: (o) => (<>{o.name}<div className="small muted">{o.email}</div></>) },
        { header: "Role", cell: (o) => ROLE_LABELS[o.role] },
        { header: "Tenant", cell: (o) => (o.tenantId ? (tenantNames.get(o.tenantId) ?? o.tenantId) : <span className="muted">whole fleet</span>) },
        { header: "State", cell: (o) => (o.disabled ? <Badge tone="neutral">disabled</Badge> : <Badge tone="ok">enabled</Badge>) },
        { header: "Since", cell: (o) => <When at={o.createdAt} /> },
        canEdit && {
          header: "Actions",
          headerHidden: true,
          cell: (o) => (o.id === me.id ? <span className="small muted">you</span> : <OperatorActions target={o} mspAdmin={me.role === "MSP_ADMIN"} />),
        },
      ]}
    />
  );
}
