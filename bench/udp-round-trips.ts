// Round trips of new UDP flows from one lab host to a UDP echo on another: every probe uses a new
// socket (new source port), so each request is a NEW conntrack flow that walks the whole input
// chain. Run in the client's namespace by a separate node process, one probe at a time.
import { spawn } from "node:child_process";
import type { NetnsLab } from "../packages/testkit/src/netns.ts";

// Sends argv[3] UDP requests to argv[1]:argv[2], each from a new socket, one at a time; prints
// the round trips (µs) as JSON. A request without an answer within 1 s counts as lost.
const PING_PONG_SCRIPT = `
const dgram = require("node:dgram");
const [address, port, count] = process.argv.slice(1);
const rtts = []; let lost = 0;
function once() {
  return new Promise((resolve) => {
    const socket = dgram.createSocket("udp4");
    const timer = setTimeout(() => { lost++; socket.close(); resolve(); }, 1000);
    socket.on("message", () => { rtts.push(Number(process.hrtime.bigint() - start) / 1000); clearTimeout(timer); socket.close(); resolve(); });
    const start = process.hrtime.bigint();
    socket.send("x", Number(port), address);
  });
}
(async () => { for (let i = 0; i < Number(count); i++) await once(); process.stdout.write(JSON.stringify({ rtts, lost })); })();`;

/** The first probes warm caches (neighbour entry, JIT) and are left out of `rtts`. */
const WARM_UP_PROBES = 50;

export interface RoundTrips {
  /** Microseconds, in the order measured, without the warm-up probes. */
  rtts: number[];
  lost: number;
}

export async function udpRoundTrips(lab: NetnsLab, from: string, target: string, port: number, probes: number): Promise<RoundTrips> {
  const args = ["netns", "exec", lab.host(from).netns, process.execPath, "-e", PING_PONG_SCRIPT, lab.host(target).ipv4, String(port), String(probes)];
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn("ip", args, { stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.on("error", reject);
    child.on("close", () => resolve(stdout));
  });
  const { rtts, lost } = JSON.parse(output) as RoundTrips;
  return { rtts: rtts.slice(WARM_UP_PROBES), lost };
}
