// Kernel memory around a firewall change, for the set-memory figures. Two readings:
// - the kernel memory charged to this process's memory cgroup: nf_tables charges the set
//   elements and tables it allocates to the cgroup of the process that sends the batch (`nft`,
//   our child), so this sees nftables sets and little else; ipset's allocations are not charged;
// - /proc/meminfo's Slab: system-wide, so whatever else the machine does lands in it too.
import { readFile } from "node:fs/promises";

export interface KernelMemory {
  /** Bytes; null where no memory cgroup with kernel accounting is readable. */
  cgroupKernel: number | null;
  slab: number;
}

/** cgroup v1: memory.kmem.usage_in_bytes; v2: memory.stat's "kernel" line. */
async function cgroupKernelBytes(): Promise<number | null> {
  const lines = (await readFile("/proc/self/cgroup", "utf8")).split("\n");
  const v1 = lines.map((line) => line.split(":")).find((fields) => fields[1]?.split(",").includes("memory"));
  const v2 = lines.find((line) => line.startsWith("0::"))?.slice(3);
  try {
    if (v1?.[2] !== undefined) return Number(await readFile(`/sys/fs/cgroup/memory${v1[2]}/memory.kmem.usage_in_bytes`, "utf8"));
    if (v2 !== undefined) {
      const stat = await readFile(`/sys/fs/cgroup${v2}/memory.stat`, "utf8");
      const kernel = /^kernel (\d+)$/m.exec(stat)?.[1];
      return kernel === undefined ? null : Number(kernel);
    }
  } catch {
    // No such controller mounted or readable here: the slab reading is all there is.
  }
  return null;
}

async function slabBytes(): Promise<number> {
  const kib = /^Slab:\s+(\d+) kB$/m.exec(await readFile("/proc/meminfo", "utf8"))?.[1];
  return Number(kib) * 1024;
}

export async function kernelMemory(): Promise<KernelMemory> {
  return { cgroupKernel: await cgroupKernelBytes(), slab: await slabBytes() };
}

export function memoryGrowth(before: KernelMemory, after: KernelMemory): KernelMemory {
  const cgroupKernel = before.cgroupKernel === null || after.cgroupKernel === null ? null : after.cgroupKernel - before.cgroupKernel;
  return { cgroupKernel, slab: after.slab - before.slab };
}
