// From the traveler's confirming key press to the agent reporting the grant applied, with the
// emulated Asterisk (apps/control-plane/test/ivr-asterisk.ts) speaking AGI; the same with a real
// Asterisk is ivr-real-asterisk-to-applied.bench.ts. A real control plane on PostgreSQL and a
// real agent (ivr-bench-plane.ts). Each call: account, PIN, a new address, then "1"; the clock
// starts when the client answers that GET DATA with 1, and stops when the control plane has
// stored the agent's report of the revision the grant produced. Also shown: key press -> grant
// committed (the IVR asks Asterisk to play "granted-until" right after the commit) and
// commit -> applied.
//   npx tsx bench/ivr-to-applied.bench.ts [calls] [--backend dry-run|iptables|nftables]
// dry-run (default) applies nothing; iptables/nftables apply for real inside a network
// namespace (root only).
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { placeAsteriskCall } from "../apps/control-plane/test/ivr-asterisk.ts";
import { BENCH_AGI_SECRET, BENCH_PIN, parseBackend, startIvrBenchPlane, tableRow } from "./ivr-bench-plane.ts";

export async function main(argv = process.argv.slice(2)): Promise<void> {
  const backend = parseBackend(argv);
  const calls = Number(argv.find((arg) => /^\d+$/.test(arg)) ?? 30);
  const bench = await startIvrBenchPlane(backend);
  if (!bench) return console.log(`--backend ${backend} needs root (a network namespace); skipped`);
  try {
    const total: number[] = [];
    const toCommit: number[] = [];
    const toApplied: number[] = [];
    for (let call = 0; call < calls; call += 1) {
      const before = await bench.revision();
      let pressedAt = 0;
      let committedAt = 0;
      await placeAsteriskCall({
        port: bench.agiPort, secret: BENCH_AGI_SECRET, callerId: "+15550001000",
        keypad: [`${bench.accountNumber}#`, `${BENCH_PIN}#`, `203*0*113*${(call % 250) + 1}#`, "1"],
        onCommand: (command) => {
          if (command.startsWith("GET DATA gatehouse/confirm-or-reenter")) pressedAt = performance.now();
          if (command.startsWith("STREAM FILE gatehouse/granted-until") && committedAt === 0) committedAt = performance.now();
        },
      });
      await bench.appliedAbove(before);
      const appliedAt = performance.now();
      total.push(appliedAt - pressedAt);
      toCommit.push(committedAt - pressedAt);
      toApplied.push(appliedAt - committedAt);
    }
    console.log(`${calls} calls, emulated Asterisk, backend ${backend}, PostgreSQL, one server in scope (ms)\n`);
    console.log("| interval | p50 | p90 | max |\n|---|---|---|---|");
    console.log(tableRow("key press 1 -> agent reported applied", total));
    console.log(tableRow("key press 1 -> grant committed", toCommit));
    console.log(tableRow("grant committed -> agent reported applied", toApplied));
  } finally {
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
