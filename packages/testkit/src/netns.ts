// A small network for firewall tests: one namespace per host, all plugged into a bridge that
// lives in its own "switch" namespace, with documentation addresses (192.0.2.0/24 and
// 2001:db8::/64). Tests run real listeners in one host and probe them from another; the
// root namespace is never touched. Names are unique per lab ("gh-<random>-<label>-<host>"),
// and destroy() removes everything (call it in afterAll, it also runs after a failure).
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";

export interface LabHost {
  label: string;
  /** The network namespace's name, for `ip netns exec` and a backend's CommandRunner. */
  netns: string;
  ipv4: string;
  ipv6: string;
}

export interface LabOptions {
  /** Short and unique per test file, e.g. "ipt" or "nft". */
  label: string;
  /** Host labels; each gets a namespace and the next addresses (192.0.2.1, 2001:db8::1, ...). */
  hosts: string[];
}

export interface ProbeOptions {
  /** How long to wait for an answer; a DROP gives none (default 400 ms). */
  timeoutMs?: number;
}

export type ProbeResult = "connected" | "refused" | "timeout" | "error";

// Listens on every port given as argv ("tcp"|"udp", then ports), dual-stack; says "ready".
// A TCP peer gets "hello\n" (probes hang up at once: their resets are ignored), or with
// "tcp-echo" every byte it sends back on a connection kept open; a UDP datagram is echoed back.
const LISTENER_SCRIPT = `
const [kind, ...ports] = process.argv.slice(1);
let pending = ports.length;
const ready = () => { if (--pending === 0) process.stdout.write("ready\\n"); };
for (const port of ports.map(Number)) {
  if (kind === "tcp-echo") {
    require("node:net").createServer((socket) => { socket.on("error", () => {}); socket.pipe(socket); }).listen({ port, host: "::", ipv6Only: false }, ready);
  } else if (kind === "tcp") {
    require("node:net").createServer((socket) => { socket.on("error", () => {}); socket.end("hello\\n"); }).listen({ port, host: "::", ipv6Only: false }, ready);
  } else {
    const socket = require("node:dgram").createSocket({ type: "udp6", ipv6Only: false });
    socket.on("message", (message, peer) => socket.send(message, peer.port, peer.address));
    socket.bind(port, "::", ready);
  }
}`;

// Probes argv: kind, address, port, timeout ms; prints connected | refused | timeout | error.
const PROBE_SCRIPT = `
const [kind, address, port, timeoutMs] = process.argv.slice(1);
const done = (result) => { process.stdout.write(result + "\\n"); process.exit(0); };
setTimeout(() => done("timeout"), Number(timeoutMs));
if (kind === "tcp") {
  const socket = require("node:net").connect({ host: address, port: Number(port) });
  socket.on("connect", () => done("connected"));
  socket.on("error", (error) => done(error.code === "ECONNREFUSED" ? "refused" : "error"));
} else {
  const socket = require("node:dgram").createSocket(address.includes(":") ? "udp6" : "udp4");
  socket.on("message", () => done("connected"));
  socket.on("error", () => done("error"));
  socket.send("ping", Number(port), address);
}`;

interface Output {
  stdout: string;
  stderr: string;
  code: number | null;
}

function execute(file: string, args: string[], input?: string): Promise<Output> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin.on("error", () => undefined);
    child.on("error", reject);
    child.on("close", (code) => resolve({ stdout, stderr, code }));
    child.stdin.end(input ?? "");
  });
}

async function mustRun(file: string, args: string[], input?: string): Promise<Output> {
  const output = await execute(file, args, input);
  if (output.code !== 0) throw new Error(`${file} ${args.join(" ")} failed (exit ${output.code}): ${output.stderr.trim()}`);
  return output;
}

export class NetnsLab {
  private readonly processes: ChildProcess[] = [];
  private destroyed = false;

  private constructor(
    readonly prefix: string,
    private readonly switchNetns: string,
    private readonly hostMap: Map<string, LabHost>,
  ) {}

  get hosts(): ReadonlyMap<string, LabHost> {
    return this.hostMap;
  }

  static async create(options: LabOptions): Promise<NetnsLab> {
    const prefix = `gh-${randomBytes(3).toString("hex")}-${options.label}`;
    const hosts = new Map<string, LabHost>(
      options.hosts.map((label, index) => [label, { label, netns: `${prefix}-${label}`, ipv4: `192.0.2.${index + 1}`, ipv6: `2001:db8::${index + 1}` }]),
    );
    const lab = new NetnsLab(prefix, `${prefix}-sw`, hosts);
    try {
      await lab.build();
    } catch (error) {
      await lab.destroy();
      throw error;
    }
    return lab;
  }

  private async build(): Promise<void> {
    const sw = this.switchNetns;
    await mustRun("ip", ["netns", "add", sw]);
    // Without snooping the bridge floods multicast, so IPv6 neighbour discovery always gets through.
    await mustRun("ip", ["-n", sw, "link", "add", "br0", "type", "bridge", "mcast_snooping", "0"]);
    await mustRun("ip", ["-n", sw, "link", "set", "br0", "up"]);
    let index = 0;
    for (const host of this.hosts.values()) {
      const port = `v${index++}`;
      await mustRun("ip", ["netns", "add", host.netns]);
      await mustRun("ip", ["-n", sw, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", host.netns]);
      await mustRun("ip", ["-n", sw, "link", "set", port, "master", "br0", "up"]);
      await mustRun("ip", ["-n", host.netns, "link", "set", "lo", "up"]);
      await mustRun("ip", ["-n", host.netns, "addr", "add", `${host.ipv4}/24`, "dev", "eth0"]);
      await mustRun("ip", ["-n", host.netns, "addr", "add", `${host.ipv6}/64`, "dev", "eth0", "nodad"]);
      await mustRun("ip", ["-n", host.netns, "link", "set", "eth0", "up"]);
    }
  }

  /**
   * A namespace behind a lab host, on its own link and routed through it, as a Docker container
   * sits behind its host's bridge: `behind` forwards, the new host's default route points at it.
   * Addresses: 198.51.100.2 and 2001:db8:1::2 (the host's side of the link: .1 and ::1).
   */
  async addBehind(behind: string, label: string): Promise<LabHost> {
    const parent = this.host(behind);
    const host: LabHost = { label, netns: `${this.prefix}-${label}`, ipv4: "198.51.100.2", ipv6: "2001:db8:1::2" };
    this.hostMap.set(label, host);
    await mustRun("ip", ["netns", "add", host.netns]);
    await mustRun("ip", ["-n", parent.netns, "link", "add", "ctr0", "type", "veth", "peer", "name", "eth0", "netns", host.netns]);
    await mustRun("ip", ["-n", parent.netns, "addr", "add", "198.51.100.1/24", "dev", "ctr0"]);
    await mustRun("ip", ["-n", parent.netns, "addr", "add", "2001:db8:1::1/64", "dev", "ctr0", "nodad"]);
    await mustRun("ip", ["-n", parent.netns, "link", "set", "ctr0", "up"]);
    await mustRun("ip", ["netns", "exec", parent.netns, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1"]);
    await mustRun("ip", ["-n", host.netns, "link", "set", "lo", "up"]);
    await mustRun("ip", ["-n", host.netns, "addr", "add", `${host.ipv4}/24`, "dev", "eth0"]);
    await mustRun("ip", ["-n", host.netns, "addr", "add", `${host.ipv6}/64`, "dev", "eth0", "nodad"]);
    await mustRun("ip", ["-n", host.netns, "link", "set", "eth0", "up"]);
    await mustRun("ip", ["-n", host.netns, "route", "add", "default", "via", "198.51.100.1"]);
    await mustRun("ip", ["-n", host.netns, "-6", "route", "add", "default", "via", "2001:db8:1::1"]);
    return host;
  }

  host(label: string): LabHost {
    const host = this.hosts.get(label);
    if (!host) throw new Error(`no host "${label}" in lab ${this.prefix}`);
    return host;
  }

  /** Runs a command inside a host's namespace; throws with its stderr when it fails. */
  async exec(hostLabel: string, command: string, args: string[], input?: string): Promise<Output> {
    return mustRun("ip", ["netns", "exec", this.host(hostLabel).netns, command, ...args], input);
  }

  /** Starts a TCP listener (answers "hello") on each port in a host; resolves once listening. */
  async listenTcp(hostLabel: string, ports: number[]): Promise<void> {
    await this.startListener(hostLabel, "tcp", ports);
  }

  /** Starts a TCP echo on each port in a host (connections stay open); resolves once listening. */
  async echoTcp(hostLabel: string, ports: number[]): Promise<void> {
    await this.startListener(hostLabel, "tcp-echo", ports);
  }

  /** Starts a UDP echo on each port in a host; resolves once bound. */
  async echoUdp(hostLabel: string, ports: number[]): Promise<void> {
    await this.startListener(hostLabel, "udp", ports);
  }

  private startListener(hostLabel: string, kind: "tcp" | "tcp-echo" | "udp", ports: number[]): Promise<void> {
    const args = ["netns", "exec", this.host(hostLabel).netns, process.execPath, "-e", LISTENER_SCRIPT, kind, ...ports.map(String)];
    const child = spawn("ip", args, { stdio: ["ignore", "pipe", "pipe"] });
    this.processes.push(child);
    return new Promise((resolve, reject) => {
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdout.on("data", (chunk: Buffer) => {
        if (chunk.toString().includes("ready")) resolve();
      });
      child.on("error", reject);
      child.on("exit", (code) => reject(new Error(`${kind} listener in ${hostLabel} exited (${code}): ${stderr.trim()}`)));
    });
  }

  /** Tries a TCP connection (or a UDP echo) from one host to an address; reports how it went. */
  async probe(fromHost: string, kind: "tcp" | "udp", address: string, port: number, options: ProbeOptions = {}): Promise<ProbeResult> {
    const timeoutMs = options.timeoutMs ?? 400;
    const args = [process.execPath, "-e", PROBE_SCRIPT, kind, address, String(port), String(timeoutMs)];
    const output = await this.exec(fromHost, args[0]!, args.slice(1));
    return output.stdout.trim() as ProbeResult;
  }

  /** True when a TCP connection succeeds; false on timeout (DROP) or refusal. */
  async canConnect(fromHost: string, address: string, port: number, options: ProbeOptions = {}): Promise<boolean> {
    return (await this.probe(fromHost, "tcp", address, port, options)) === "connected";
  }

  /** True when a UDP datagram to the address is echoed back in time. */
  async udpEchoes(fromHost: string, address: string, port: number, options: ProbeOptions = {}): Promise<boolean> {
    return (await this.probe(fromHost, "udp", address, port, options)) === "connected";
  }

  /** Stops the listeners and deletes every namespace of this lab (the veths go with them). */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    await Promise.all(
      this.processes.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once("exit", () => resolve());
            child.kill("SIGKILL");
          }),
      ),
    );
    for (const netns of [...[...this.hosts.values()].map((host) => host.netns), this.switchNetns]) {
      await execute("ip", ["netns", "del", netns]);
    }
  }
}
