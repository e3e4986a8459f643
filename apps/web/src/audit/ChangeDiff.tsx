import type { RouterOutputs } from "../api/client.ts";

type FieldChange = RouterOutputs["audit"]["list"]["events"][number]["changes"][number];

/** Before/after as a diff: one row per changed field, the old value struck, the new one marked. */
export function ChangeDiff({ changes }: { changes: FieldChange[] }) {
  if (changes.length === 0) return <span className="muted">—</span>;
  return (
    <details className="audit-diff">
      <summary>
        {changes.length} field{changes.length === 1 ? "" : "s"}
      </summary>
      <table className="diff" aria-label="Changed fields">
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Before</th>
            <th scope="col">After</th>
          </tr>
        </thead>
        <tbody>
          {changes.map((change) => (
            <tr key={change.field}>
              <th scope="row" className="mono">
                {change.field}
              </th>
              <td className="mono">{change.before === null ? <span className="muted">—</span> : <del>{change.before}</del>}</td>
              <td className="mono">{change.after === null ? <span className="muted">—</span> : <ins>{change.after}</ins>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
