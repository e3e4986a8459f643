// The fleet page's small trend: each server's dropped packets per hour over the last 24 h
// (knocks.fleetTrend, one query for the fleet), by server id. Servers absent dropped nothing.
import { useQuery } from "@tanstack/react-query";
import { api, type RouterOutputs } from "../api/client.ts";

export type KnockTrend = RouterOutputs["knocks"]["fleetTrend"]["servers"][number];

/** Hourly numbers: asking once a minute is plenty. */
const TREND_POLL_MS = 60_000;

export function useFleetTrend() {
  return useQuery({
    queryKey: ["knocks.fleetTrend"],
    queryFn: async () => new Map((await api.knocks.fleetTrend.query()).servers.map((server) => [server.serverId, server])),
    refetchInterval: TREND_POLL_MS,
  });
}
