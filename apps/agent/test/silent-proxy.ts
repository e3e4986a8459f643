// A TCP relay in front of a control plane that can go silent: its connections stay open but
// nothing crosses them any more, and new ones are accepted and never answered. That is a
// replica lost to the network (a dead host, a partition) rather than one that closed its
// sockets: only the agent's heartbeat and connect timeouts can notice it.
import { createConnection, createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

export class SilentProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private silent = false;
  port = 0;

  constructor(private readonly targetPort: number) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = createServer((client) => this.relay(client));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** From now on nothing is relayed, in either direction, on old or new connections. */
  goSilent(): void {
    this.silent = true;
    for (const socket of this.sockets) {
      socket.unpipe();
      socket.pause();
    }
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = null;
  }

  private relay(client: Socket): void {
    this.track(client);
    if (this.silent) return void client.pause();
    const upstream = this.track(createConnection(this.targetPort, "127.0.0.1"));
    client.pipe(upstream);
    upstream.pipe(client);
    // A partition does not tell the other side that one side hung up.
    const end = () => {
      if (this.silent) return;
      client.destroy();
      upstream.destroy();
    };
    client.on("close", end);
    upstream.on("close", end);
  }

  private track(socket: Socket): Socket {
    this.sockets.add(socket);
    socket.on("error", () => undefined);
    socket.on("close", () => this.sockets.delete(socket));
    return socket;
  }
}
