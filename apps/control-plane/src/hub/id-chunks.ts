// Server ids per query for the hub's bulk reads and writes: PostgreSQL allows 65,535 bind
// parameters, and a fleet-wide change or a reconnect storm names tens of thousands of servers.
const SERVER_IDS_PER_QUERY = 10_000;

export function idChunks(ids: readonly string[]): string[][] {
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += SERVER_IDS_PER_QUERY) chunks.push(ids.slice(i, i + SERVER_IDS_PER_QUERY));
  return chunks;
}
