// Choosing this host's one firewall backend: the recorded one or the operator's flag, else what
// the host already uses; and the dry run, which needs no firewall at all.
import { netnsCapability, requireCapability } from "@gatehouse/testkit/capability";
import { NetnsLab } from "@gatehouse/testkit/netns";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBackend, decideHostBackend, detectBackend } from "../src/firewall/backend-choice.ts";
import { CommandRunner } from "../src/firewall/command-runner.ts";
import { DryRunBackend } from "../src/firewall/dry-run-backend.ts";
import { nativeNftTables } from "../src/firewall/host-probe.ts";
import { silentLogger } from "../src/firewall/logger.ts";
import { pbxState } from "./netns-fixture.ts";

const recorded = (name: "iptables" | "nftables" | "dry-run") => ({ name, in: "/var/lib/gatehouse/applied.json" });

describe("one firewall backend per host", () => {
  it("without --backend the recorded backend is used, and only a host with none recorded is detected", () => {
    expect(decideHostBackend("auto", recorded("nftables"))).toMatchObject({ choice: "nftables", replaces: null });
    expect(decideHostBackend("auto", null)).toMatchObject({ choice: "auto", replaces: null, reason: expect.stringContaining("detecting") });
  });

  it("an explicit --backend wins and replaces a different recorded one", () => {
    expect(decideHostBackend("nftables", recorded("iptables"))).toMatchObject({ choice: "nftables", replaces: "iptables" });
    expect(decideHostBackend("nftables", recorded("nftables"))).toMatchObject({ choice: "nftables", replaces: null });
    expect(decideHostBackend("iptables", null)).toMatchObject({ choice: "iptables", replaces: null });
  });

  it("a dry run neither replaces a real backend nor is replaced as one", () => {
    expect(decideHostBackend("dry-run", recorded("iptables"))).toMatchObject({ choice: "dry-run", replaces: null });
    expect(decideHostBackend("iptables", recorded("dry-run"))).toMatchObject({ choice: "iptables", replaces: null });
  });
});

describe("which nftables tables count as the host's own", () => {
  it("ignores the tables iptables-nft makes and Gatehouse's own", () => {
    const tables = [
      { family: "ip", name: "filter" },
      { family: "ip6", name: "nat" },
      { family: "inet", name: "gatehouse" },
      { family: "inet", name: "f2b-table" },
      { family: "inet", name: "filter" },
    ];
    expect(nativeNftTables(tables)).toEqual([
      { family: "inet", name: "f2b-table" },
      { family: "inet", name: "filter" },
    ]);
  });
});

describe("the dry run", () => {
  it("records what it would apply, full first and then as deltas, and changes nothing", async () => {
    const backend = new DryRunBackend();
    expect((await backend.verify(pbxState([]))).intact).toBe(false);
    expect((await backend.apply(pbxState([]))).mode).toBe("full");
    const summary = await backend.apply(pbxState(["203.0.113.50"]));
    expect(summary).toMatchObject({ backend: "dry-run", mode: "delta" });
    expect(summary.setSizes["gh4-sip"]).toBe(1);
    expect(backend.history.map((record) => record.mode)).toEqual(["full", "delta"]);
    expect(backend.history[1]?.script).toContain("elements = { 203.0.113.50 }");
    expect(await backend.verify(pbxState(["203.0.113.50"]))).toEqual({ intact: true, problems: [] });
    expect((await backend.verify(pbxState([]))).intact).toBe(false);
  });

  it("is what an explicit choice of dry-run gets, without touching any firewall tool", async () => {
    const backend = await createBackend({ choice: "dry-run", netns: "gh-does-not-exist", logger: silentLogger });
    expect(backend.name).toBe("dry-run");
    expect(await detectBackend(new CommandRunner({ netns: "gh-does-not-exist" }), "dry-run")).toEqual({ name: "dry-run", reason: "chosen explicitly (dry-run)" });
  });
});

const enabled = requireCapability("netns", netnsCapability(["nft", "iptables", "ipset"]));

describe.runIf(enabled)("detecting the backend on a host", () => {
  let lab: NetnsLab;
  let runner: CommandRunner;
  const inHost = (command: string, ...args: string[]) => lab.exec("host", command, args);

  beforeAll(async () => {
    lab = await NetnsLab.create({ label: "detect", hosts: ["host"] });
    runner = new CommandRunner({ netns: lab.host("host").netns });
  });
  afterAll(async () => lab?.destroy());

  it("picks iptables on a host with no native nftables tables (Docker's iptables rules included)", async () => {
    await inHost("iptables", "-N", "DOCKER-USER");
    expect(await detectBackend(runner)).toEqual({ name: "iptables", reason: "no native nftables tables; iptables-restore and ipset are available" });
    await inHost("iptables", "-X", "DOCKER-USER");
  });

  it("does not take fail2ban's ban table for a host that uses nftables", async () => {
    await inHost("nft", "add", "table", "inet", "f2b-table");
    expect((await detectBackend(runner)).name).toBe("iptables");
  });

  it("picks nftables when the host uses native nftables (its own filter table)", async () => {
    await inHost("nft", "add", "table", "inet", "filter");
    expect(await detectBackend(runner)).toEqual({ name: "nftables", reason: "host uses native nftables (inet filter)" });
    await inHost("nft", "delete", "table", "inet", "filter");
  });

  it("picks iptables when iptables' INPUT drops by policy (as ufw sets it), where an nftables accept would not be final", async () => {
    await inHost("nft", "add", "table", "inet", "filter");
    await inHost("iptables", "-P", "INPUT", "DROP");
    expect(await detectBackend(runner)).toEqual({ name: "iptables", reason: "iptables' INPUT policy is DROP; an nftables accept would not be final there" });
    await inHost("iptables", "-P", "INPUT", "ACCEPT");
    await inHost("nft", "delete", "table", "inet", "filter");
  });

  it("keeps the backend that already enforces Gatehouse's rules", async () => {
    await inHost("iptables", "-N", "GATEHOUSE");
    expect((await detectBackend(runner)).name).toBe("iptables");
    await inHost("iptables", "-X", "GATEHOUSE");
    await inHost("nft", "add", "table", "inet", "gatehouse");
    expect(await detectBackend(runner)).toEqual({ name: "nftables", reason: "Gatehouse's table inet gatehouse already exists" });
  });

  it("lets an explicit choice win", async () => {
    expect(await detectBackend(runner, "iptables")).toEqual({ name: "iptables", reason: "chosen explicitly (iptables)" });
  });
});
