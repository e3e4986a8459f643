// How long a flush leaves the server open: the real agent runtime (real backend in a network
// namespace, the netfilter watcher, the periodic check at 10 minutes so it cannot help) and a
// stand-in control plane. Each round runs one tampering command and measures from its start to
// the agent's drift report, which is sent right after the repair: an upper bound of the window.
//   npx tsx bench/drift-open-window.bench.ts [rounds]      (root: network namespaces)
import type { DesiredState } from "../packages/core/src/index.ts";
import { NetnsLab } from "../packages/testkit/src/netns.ts";
import { CommandRunner } from "../apps/agent/src/firewall/command-runner.ts";
import { IptablesBackend } from "../apps/agent/src/firewall/iptables-backend.ts";
import { silentLogger } from "../apps/agent/src/firewall/logger.ts";
import { NetfilterWatcher } from "../apps/agent/src/firewall/netfilter-watcher.ts";
import { NftablesBackend } from "../apps/agent/src/firewall/nftables-backend.ts";
import { SERVER_ID, hubAt, makeAgent, tempStateDir } from "../apps/agent/test/agent-fixture.ts";
import { FakeHub } from "../apps/agent/test/fake-hub.ts";
import { percentile } from "./stats.ts";

const rounds = Number(process.argv[2] ?? 10);
/** Per backend: what an operator or another tool does to the ruleset, as commands run on the PBX. */
const TAMPERING: Record<"iptables" | "nftables", Record<string, [string, ...string[]][]>> = {
  iptables: {
    "iptables -F + ip6tables -F": [["iptables", "-F"], ["ip6tables", "-F"]],
    "ban above our jump": [["iptables", "-I", "INPUT", "1", "-s", "192.0.2.9", "-j", "DROP"]],
    "ipset member deleted": [["ipset", "del", "gh4-sip", "192.0.2.2"]],
  },
  nftables: {
    "nft flush ruleset": [["nft", "flush", "ruleset"]],
    "table deleted": [["nft", "delete", "table", "inet", "gatehouse"]],
    "set element deleted": [["nft", "delete", "element", "inet", "gatehouse", "gh4-sip", "{ 192.0.2.2 }"]],
  },
};

function state(): DesiredState {
  return {
    serverId: SERVER_ID,
    policy: { mediaOpenToAll: false, lanRanges: ["10.0.0.0/8"], primaryAdmin: "203.0.113.10" },
    services: [{ id: "sip", name: "SIP", ports: [{ protocol: "tcp", from: 5060, to: 5060 }] }],
    entries: [{ source: "192.0.2.2", kind: "ip", services: ["sip"] }],
  };
}


async function measure(backendName: "iptables" | "nftables"): Promise<void> {
  const lab = await NetnsLab.create({ label: `b${backendName[0]}`, hosts: ["pbx"] });
  const hub = new FakeHub(state());
  await hub.start();
  const dir = await tempStateDir();
  const runner = new CommandRunner({ netns: lab.host("pbx").netns });
  const backend = backendName === "iptables" ? new IptablesBackend({ runner }) : new NftablesBackend({ runner });
  const agent = await makeAgent(dir.paths, hubAt(hub), { address: "127.0.0.1:9" }, {
    backend,
    changeWatcher: new NetfilterWatcher({ runner, backend: backendName, logger: silentLogger }),
    driftIntervalMs: 600_000,
  });
  try {
    await agent.runtime.start();
    await hub.reportWhere((report) => report.appliedRevision === 1);
    for (const [what, commands] of Object.entries(TAMPERING[backendName])) {
      const windows: number[] = [];
      for (let round = 0; round < rounds; round += 1) {
        const before = hub.reports.filter((report) => report.drift).length;
        await new Promise((resolve) => setTimeout(resolve, 300));
        const start = performance.now();
        for (const [command, ...args] of commands) await lab.exec("pbx", command, args);
        await hub.until(() => hub.reports.filter((report) => report.drift).length > before);
        windows.push(performance.now() - start);
      }
      windows.sort((a, b) => a - b);
      const ms = (value: number) => `${Math.round(value)} ms`;
      console.log(`${backendName.padEnd(9)} ${what.padEnd(28)} p50 ${ms(percentile(windows, 50))}  p95 ${ms(percentile(windows, 95))}  max ${ms(windows.at(-1)!)}`);
    }
  } finally {
    await agent.runtime.stop();
    await hub.stop();
    await dir.cleanup();
    await lab.destroy();
  }
}

await measure("iptables");
await measure("nftables");
