// A small authoritative DNS server for tests (UDP, dns-packet): answers A/AAAA for the names
// (and SRV) the test sets, follows a CNAME the way a recursive resolver would (CNAME + target's
// records in one answer), NXDOMAIN for the rest. Records can change while it runs, and a name
// can be made to hang: its queries are never answered, like a DNS server that went silent.
import { createSocket, type Socket } from "node:dgram";
import dnsPacket from "dns-packet";

interface TestSrv {
  target: string;
  port: number;
  priority?: number;
  weight?: number;
}

export interface TestRecord {
  a?: string[];
  aaaa?: string[];
  srv?: TestSrv[];
  cname?: string;
  ttl?: number;
}

export class TestDnsServer {
  private readonly records = new Map<string, TestRecord>();
  private readonly hanging = new Set<string>();
  private readonly failing = new Set<string>();
  /** Queries for hanging names, never answered. */
  unanswered = 0;
  private socket: Socket | null = null;
  port = 0;
  queries = 0;

  set(name: string, record: TestRecord): void {
    this.records.set(name.toLowerCase(), record);
  }

  /** Queries for `name` go unanswered from now on. */
  hang(name: string): void {
    this.hanging.add(name.toLowerCase());
  }

  /** Queries for `name` get SERVFAIL (a transient fault) from now on, until `recover`. */
  fail(name: string): void {
    this.failing.add(name.toLowerCase());
  }

  recover(name: string): void {
    this.failing.delete(name.toLowerCase());
  }

  remove(name: string): void {
    this.records.delete(name.toLowerCase());
  }

  /** "127.0.0.1:<port>", for the agent's --dns-server. */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(host = "127.0.0.1"): Promise<void> {
    const socket = createSocket("udp4");
    this.socket = socket;
    socket.on("message", (message, remote) => {
      const reply = this.answer(message);
      if (reply) socket.send(reply, remote.port, remote.address);
    });
    await new Promise<void>((resolve) => socket.bind(0, host, resolve));
    this.port = socket.address().port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.socket ? this.socket.close(() => resolve()) : resolve()));
    this.socket = null;
  }

  private answer(message: Buffer): Buffer | null {
    let query: dnsPacket.Packet;
    try {
      query = dnsPacket.decode(message);
    } catch {
      return null;
    }
    this.queries += 1;
    const question = query.questions?.[0];
    if (!question) return null;
    if (this.hanging.has(question.name.toLowerCase())) {
      this.unanswered += 1;
      return null;
    }
    if (this.failing.has(question.name.toLowerCase())) {
      return dnsPacket.encode({ type: "response", id: query.id, flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | 2, questions: [question], answers: [] });
    }
    const answers: dnsPacket.Answer[] = [];
    let name = question.name.toLowerCase();
    let record = this.records.get(name);
    for (let hops = 0; record?.cname && hops < 8; hops += 1) {
      answers.push({ type: "CNAME", name, ttl: record.ttl ?? 60, class: "IN", data: record.cname });
      name = record.cname.toLowerCase();
      record = this.records.get(name);
    }
    const exists = record !== undefined || answers.length > 0;
    const ttl = record?.ttl ?? 60;
    if (question.type === "A") for (const a of record?.a ?? []) answers.push({ type: "A", name, ttl, class: "IN", data: a });
    if (question.type === "AAAA") for (const a of record?.aaaa ?? []) answers.push({ type: "AAAA", name, ttl, class: "IN", data: a });
    if (question.type === "SRV") {
      for (const s of record?.srv ?? []) answers.push({ type: "SRV", name, ttl, class: "IN", data: { target: s.target, port: s.port, priority: s.priority ?? 10, weight: s.weight ?? 0 } });
    }
    return dnsPacket.encode({
      type: "response",
      id: query.id,
      flags: dnsPacket.AUTHORITATIVE_ANSWER | dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | (exists ? 0 : 3),
      questions: [question],
      answers,
    });
  }
}
