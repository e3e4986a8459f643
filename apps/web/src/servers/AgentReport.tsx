/** The agent's last report as stored; its fields come from the agent protocol's report message. */
export function AgentReport({ report }: { report: unknown }) {
  if (report === null || typeof report !== "object") return <p className="muted">No report yet: the agent has not connected.</p>;
  const fields = report as Record<string, unknown>;
  const simple = Object.entries(fields).filter(([, v]) => v === null || ["string", "number", "boolean"].includes(typeof v));
  const nested = Object.entries(fields).filter(([, v]) => v !== null && typeof v === "object");
  return (
    <div className="stack">
      <dl className="facts">
        {simple.map(([key, value]) => (
          <div key={key} style={{ display: "contents" }}>
            <dt>{key}</dt>
            <dd className="mono">{String(value)}</dd>
          </div>
        ))}
      </dl>
      {nested.length > 0 && (
        <details>
          <summary>Everything the agent reported</summary>
          <pre className="listing small">{JSON.stringify(Object.fromEntries(nested), null, 2)}</pre>
        </details>
      )}
    </div>
  );
}
