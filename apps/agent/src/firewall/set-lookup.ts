// Asks the kernel, not the agent's memory, whether one address is in each of Gatehouse's sets
// (`gatehouse explain`): `nft get element` on a group's host set and network set, or `ipset test`.
// The address comes from the control plane, so it is parsed again here and only its canonical
// form reaches nft's own parser (argument arrays, never a shell).
import { ipsetName, nftHostSetName, nftNetworkSetName, NFT_FAMILY, NFT_TABLE, parseObservedAddress, type IpFamily } from "@gatehouse/core";
import { CommandError, type CommandRunner } from "./command-runner.ts";

export interface GroupPresence {
  group: string;
  present: boolean;
}

/** nft and ipset's ways of saying "not in the set" (a non-zero exit that is an answer, not a fault). */
const NFT_ABSENT = /No such file or directory|does not exist/i;
const IPSET_ABSENT = /is NOT in set/i;

/** The canonical address and its family; throws when `text` is not exactly one canonical address. */
function lookupAddress(text: string): { address: string; family: IpFamily } {
  const parsed = parseObservedAddress(text);
  if (parsed.canonical !== text) throw new Error(`${text} is not a canonical address`);
  return { address: parsed.canonical, family: parsed.family };
}

async function answers(runner: CommandRunner, command: string, args: string[], absent: RegExp): Promise<boolean> {
  try {
    await runner.run(command, args);
    return true;
  } catch (error) {
    if (error instanceof CommandError && error.exitCode !== null && absent.test(error.stderr)) return false;
    throw error;
  }
}

function nftHas(runner: CommandRunner, set: string, address: string): Promise<boolean> {
  return answers(runner, "nft", ["get", "element", NFT_FAMILY, NFT_TABLE, set, "{", address, "}"], NFT_ABSENT);
}

/** Whether the kernel's sets of `groups` (for the address's family) hold `text`. */
export async function kernelSetPresence(runner: CommandRunner, backend: "nftables" | "iptables", text: string, groups: readonly string[]): Promise<GroupPresence[]> {
  const { address, family } = lookupAddress(text);
  const verdicts: GroupPresence[] = [];
  for (const group of groups) {
    const present =
      backend === "nftables"
        ? (await nftHas(runner, nftHostSetName(group, family), address)) || (await nftHas(runner, nftNetworkSetName(group, family), address))
        : await answers(runner, "ipset", ["test", ipsetName(group, family), address], IPSET_ABSENT);
    verdicts.push({ group, present });
  }
  return verdicts;
}
