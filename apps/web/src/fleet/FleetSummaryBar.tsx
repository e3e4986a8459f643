import type { FleetSummary } from "./fleetRow.ts";

/** The fleet's counts; the problems tile is a switch that shows only the servers with problems. */
export function FleetSummaryBar({ summary, showingProblems, onShowProblems }: { summary: FleetSummary; showingProblems: boolean; onShowProblems: (on: boolean) => void }) {
  return (
    <section className="summary" aria-label="Fleet summary">
      <button
        type="button"
        className={`summary-item summary-filter ${summary.problems > 0 ? "is-bad" : ""}`}
        data-testid="problem-count"
        aria-pressed={showingProblems}
        title={showingProblems ? "Show every server again" : "Show only the servers with problems"}
        onClick={() => onShowProblems(!showingProblems)}
      >
        <strong>{summary.problems}</strong> {summary.problems === 1 ? "server with problems" : "servers with problems"}
        <span className="small muted summary-hint">{showingProblems ? "showing only these · show all" : "show only these"}</span>
      </button>
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
