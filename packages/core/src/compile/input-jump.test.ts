import { describe, expect, it } from "vitest";
import { beforeCommit, inputJumpRemoval, inputJumpRepair, inspectInputJump } from "./input-jump.ts";

const listing = (...rules: string[]) => ["-P INPUT ACCEPT", ...rules].join("\n");

describe("keeping the jump to GATEHOUSE first in INPUT", () => {
  it("changes nothing when the only jump is already first", () => {
    const input = listing("-A INPUT -j GATEHOUSE", "-A INPUT -j f2b-sshd");
    expect(inputJumpRepair(input)).toEqual([]);
    expect(inspectInputJump(input)).toEqual({ present: true, first: true, copies: 1 });
  });

  it("inserts it at the top when it is missing", () => {
    expect(inputJumpRepair(listing("-A INPUT -p tcp -m multiport --dports 22 -j f2b-sshd"))).toEqual(["-I INPUT 1 -j GATEHOUSE"]);
  });

  it("moves it above a ban inserted at position 1 and removes extra copies, highest number first", () => {
    const input = listing("-A INPUT -s 192.0.2.2/32 -j DROP", "-A INPUT -j GATEHOUSE", "-A INPUT -i eth0 -j GATEHOUSE");
    expect(inspectInputJump(input)).toEqual({ present: true, first: false, copies: 2 });
    expect(inputJumpRepair(input)).toEqual(["-D INPUT 3", "-D INPUT 2", "-I INPUT 1 -j GATEHOUSE"]);
    expect(inputJumpRemoval(input)).toEqual(["-D INPUT 3", "-D INPUT 2"]);
  });

  it("goes into the same iptables-restore transaction as the chain", () => {
    expect(beforeCommit("*filter\n:GATEHOUSE - [0:0]\nCOMMIT\n", ["-I INPUT 1 -j GATEHOUSE"])).toBe(
      "*filter\n:GATEHOUSE - [0:0]\n-I INPUT 1 -j GATEHOUSE\nCOMMIT\n",
    );
  });
});
