import { describe, expect, it } from "vitest";
import { beforeCommit, FORWARD_JUMP, inputJumpRemoval, inputJumpRepair, inspectInputJump, inspectJump, jumpRemoval, jumpRepair } from "./input-jump.ts";

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

describe("keeping the jump to GATEHOUSE-FWD first in FORWARD (ports published by DNAT)", () => {
  const forward = (...rules: string[]) => ["-P FORWARD ACCEPT", ...rules].join("\n");

  it("goes above Docker's jump to DOCKER-USER, and is left alone once first", () => {
    const docker = forward("-A FORWARD -j DOCKER-USER", "-A FORWARD -j DOCKER-FORWARD");
    expect(inspectJump(docker, FORWARD_JUMP)).toEqual({ present: false, first: false, copies: 0 });
    expect(jumpRepair(docker, FORWARD_JUMP)).toEqual(["-I FORWARD 1 -j GATEHOUSE-FWD"]);
    expect(jumpRepair(forward("-A FORWARD -j GATEHOUSE-FWD", "-A FORWARD -j DOCKER-USER"), FORWARD_JUMP)).toEqual([]);
  });

  it("is not confused with the INPUT jump to GATEHOUSE, and removes only its own copies", () => {
    const listing = ["-A INPUT -j GATEHOUSE", "-A FORWARD -j DOCKER-USER", "-A FORWARD -j GATEHOUSE-FWD"].join("\n");
    expect(inspectInputJump(listing)).toEqual({ present: true, first: true, copies: 1 });
    expect(jumpRemoval(listing, FORWARD_JUMP)).toEqual(["-D FORWARD 2"]);
    expect(jumpRepair(listing, FORWARD_JUMP)).toEqual(["-D FORWARD 2", "-I FORWARD 1 -j GATEHOUSE-FWD"]);
  });
});
