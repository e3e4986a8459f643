// The caller's last key to the grant applied by an agent, with a real Asterisk 22 in the loop
// (built by ../shared/asterisk/build.sh; root): the project's dialplan and prompts, a Local
// channel whose caller leg types with SendDTMF, FastAGI to a real control plane on PostgreSQL,
// a real agent (ivr-bench-plane.ts). Each call: the account typed into the greeting, the PIN,
// a new address, then 1 pressed as the read-back starts (a caller who knows the IVR). The clock
// starts when Asterisk hands the IVR that key (its reply to the read-back's STREAM FILE,
// `200 result=49`, seen on a relay between Asterisk and the control plane) and stops when the
// control plane has stored the agent's report of the revision the grant produced. Also shown:
// key -> grant committed (the IVR sends "granted-until" right after the commit), commit ->
// applied, and the caller's own delay (the test driver told to press -> Asterisk has the key),
// which is not part of the system.
//   npx tsx bench/ivr-real-asterisk-to-applied.bench.ts [calls] [--backend dry-run|iptables|nftables]
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { startAgiTap } from "../apps/control-plane/test/ivr-agi-tap.ts";
import { asteriskCapability, startRealAsterisk } from "../apps/control-plane/test/ivr-real-asterisk.ts";
import { BENCH_AGI_SECRET, BENCH_PIN, parseBackend, startIvrBenchPlane, tableRow } from "./ivr-bench-plane.ts";

interface CallTimes {
  told: number;
  key: number;
  committed: number;
}

export async function main(argv = process.argv.slice(2)): Promise<void> {
  const capability = asteriskCapability();
  if (!capability.ok) return console.log(`no real Asterisk: ${capability.reason}; skipped`);
  const backend = parseBackend(argv);
  const calls = Number(argv.find((arg) => /^\d+$/.test(arg)) ?? 10);
  const bench = await startIvrBenchPlane(backend);
  if (!bench) return console.log(`--backend ${backend} needs root (a network namespace); skipped`);
  const tap = await startAgiTap(bench.agiPort);
  const asterisk = await startRealAsterisk({
    globals: { GATEHOUSE_AGI_HOST: "127.0.0.1", GATEHOUSE_AGI_PORT: String(tap.port), GATEHOUSE_AGI_SECRET: BENCH_AGI_SECRET },
  });
  try {
    const total: number[] = [];
    const toCommit: number[] = [];
    const toApplied: number[] = [];
    const driver: number[] = [];
    for (let call = 0; call < calls; call += 1) {
      const before = await bench.revision();
      const times: CallTimes = { told: 0, key: 0, committed: 0 };
      const placed = asterisk.call(`+1555300${String(call).padStart(4, "0")}`);
      const steps: Array<[string, string]> = [
        ["STREAM FILE gatehouse/welcome", `${bench.accountNumber}#`],
        ["GET DATA gatehouse/enter-pin", `${BENCH_PIN}#`],
        ["GET DATA gatehouse/enter-address", `203*0*113*${(call % 250) + 1}#`],
        ["STREAM FILE gatehouse/you-entered", "1"],
        ["STREAM FILE gatehouse/granted-until", "H"],
      ];
      let readBackStarted = false;
      tap.onCommand = (_transcript, command) => {
        if (command.startsWith("STREAM FILE gatehouse/granted-until") && times.committed === 0) times.committed = performance.now();
        const next = steps[0];
        if (!next || !command.startsWith(next[0])) return;
        steps.shift();
        if (next[1] === "1") {
          readBackStarted = true;
          times.told = performance.now();
        }
        asterisk.press(placed, next[1]);
      };
      tap.onReply = (_transcript, line) => {
        if (readBackStarted && times.key === 0 && line.startsWith("200 result=49")) times.key = performance.now();
      };
      const transcript = await tap.transcript(placed.callerId);
      await bench.appliedAbove(before);
      const appliedAt = performance.now();
      await transcript.closed;
      if (times.key === 0) throw new Error(`call ${call}: the 1 did not reach the IVR during the read-back`);
      total.push(appliedAt - times.key);
      toCommit.push(times.committed - times.key);
      toApplied.push(appliedAt - times.committed);
      driver.push(times.key - times.told);
    }
    console.log(`${calls} calls, real Asterisk 22.10.1 (Local channel, SendDTMF), backend ${backend}, PostgreSQL, one server in scope (ms)\n`);
    console.log("| interval | p50 | p90 | max |\n|---|---|---|---|");
    console.log(tableRow("caller's last key (1) -> agent reported applied", total));
    console.log(tableRow("caller's last key -> grant committed", toCommit));
    console.log(tableRow("grant committed -> agent reported applied", toApplied));
    console.log(tableRow("(test driver told to press -> Asterisk has the key)", driver));
  } finally {
    tap.onCommand = null;
    tap.onReply = null;
    await asterisk.stop();
    await tap.close();
    await bench.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
