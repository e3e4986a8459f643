import type { FleetSummary } from "./fleetRow.ts";

export function FleetSummaryBar({ summary }: { summary: FleetSummary }) {
  return (
    <section className="summary" aria-label="Fleet summary">
      <div className={`summary-item ${summary.problems > 0 ? "is-bad" : ""}`} data-testid="problem-count">
        <strong>{summary.problems}</strong> {summary.problems === 1 ? "server with problems" : "servers with problems"}
      </div>
      <div className="summary-item">
        <strong>{summary.servers}</strong> servers
      </div>
      <div className="summary-item">
        <strong>{summary.online}</strong> online
      </div>
      <div className="summary-item">
        <strong>{summary.offline}</strong> offline
      </div>
      <div className="summary-item">
        <strong>{summary.pending}</strong> awaiting enrollment
      </div>
    </section>
  );
}
