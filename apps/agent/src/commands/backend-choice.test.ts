import { describe, expect, it } from "vitest";
import { decideHostBackend } from "./backend-choice.ts";

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
