// Writes drop telemetry (knock-rows.ts) in the report batch's transaction. However much an agent
// sends, a server's 5-minute bucket holds at most KNOCK_SOURCES_PER_BUCKET sources: the control
// plane's budget under a scan flood is fixed per server. A batch holds one report per server, so
// the count a statement sees is not raced by another write for the same server.
import type { PrismaClient } from "@gatehouse/db";
import { knockRows, type KnockReport } from "./knock-rows.ts";

export const KNOCK_SOURCES_PER_BUCKET = 250;

/** The statements to run in the batch's transaction (none when no report carried knocks). */
export function knockStatements(prisma: PrismaClient, reports: readonly KnockReport[]) {
  const { buckets, sources } = knockRows(reports);
  if (buckets.length === 0) return [];
  return [
    prisma.$executeRaw`
      INSERT INTO "KnockBucket" ("serverId", "resolution", "bucketStart", "sources", "packets")
      SELECT x."serverId", '5m', (x."bucketStart"::timestamptz AT TIME ZONE 'UTC'), x.sources, x.packets
      FROM jsonb_to_recordset(${JSON.stringify(buckets)}::jsonb) AS x("serverId" text, "bucketStart" text, sources int, packets bigint)
      WHERE EXISTS (SELECT 1 FROM "Server" WHERE id = x."serverId")
      ON CONFLICT ("serverId", "resolution", "bucketStart") DO UPDATE
      SET "sources" = GREATEST("KnockBucket"."sources", excluded."sources"), "packets" = "KnockBucket"."packets" + excluded."packets"`,
    prisma.$executeRaw`
      INSERT INTO "KnockSource" ("serverId", "resolution", "bucketStart", "source", "packets", "firstSeenAt", "lastSeenAt", "ports", "portsTried")
      SELECT x."serverId", '5m', x.start, x.source, x.packets, (x."firstSeenAt"::timestamptz AT TIME ZONE 'UTC'), (x."lastSeenAt"::timestamptz AT TIME ZONE 'UTC'), x.ports, x."portsTried"
      FROM (
        SELECT x.*, b.start, EXISTS (SELECT 1 FROM "KnockSource" k WHERE k."serverId" = x."serverId" AND k.resolution = '5m' AND k."bucketStart" = b.start AND k.source = x.source) AS known,
               row_number() OVER (PARTITION BY x."serverId", b.start ORDER BY x.packets DESC, x.source) AS rank
        FROM jsonb_to_recordset(${JSON.stringify(sources)}::jsonb)
          AS x("serverId" text, "bucketStart" text, source text, packets bigint, "firstSeenAt" text, "lastSeenAt" text, ports jsonb, "portsTried" int)
        CROSS JOIN LATERAL (SELECT (x."bucketStart"::timestamptz AT TIME ZONE 'UTC') AS start) AS b
        WHERE EXISTS (SELECT 1 FROM "Server" WHERE id = x."serverId")
      ) AS x
      -- A known source is counted on; a new one only while the bucket has room (ranked, busiest first).
      WHERE x.known OR x.rank + (SELECT count(*) FROM "KnockSource" k WHERE k."serverId" = x."serverId" AND k.resolution = '5m' AND k."bucketStart" = x.start) <= ${KNOCK_SOURCES_PER_BUCKET}
      ON CONFLICT ("serverId", "resolution", "bucketStart", "source") DO UPDATE
      SET "packets" = "KnockSource"."packets" + excluded."packets",
          "firstSeenAt" = LEAST("KnockSource"."firstSeenAt", excluded."firstSeenAt"),
          "lastSeenAt" = GREATEST("KnockSource"."lastSeenAt", excluded."lastSeenAt"),
          "portsTried" = GREATEST("KnockSource"."portsTried", excluded."portsTried"),
          "ports" = (
            SELECT COALESCE(jsonb_agg(jsonb_build_object('protocol', m.protocol, 'port', m.port, 'packets', m.packets) ORDER BY m.packets DESC, m.port), '[]'::jsonb)
            FROM (
              SELECT p->>'protocol' AS protocol, (p->>'port')::int AS port, sum((p->>'packets')::bigint) AS packets
              FROM jsonb_array_elements("KnockSource"."ports" || excluded."ports") AS p
              GROUP BY 1, 2 ORDER BY 3 DESC, 2 LIMIT 16
            ) AS m
          )`,
  ];
}
