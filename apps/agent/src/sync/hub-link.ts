// Keeps one session with the hub open for as long as the agent runs: connect, say hello,
// deliver messages, and after any loss reconnect with backoff — except when the control plane
// refuses the credential, which ends the link for good (the runtime stops and says so).
import type { Logger } from "pino";
import type { AgentMessage, HelloMessage, HubMessage } from "@gatehouse/protocol";
import { Backoff, type BackoffOptions } from "./backoff.ts";
import { CredentialRefusedError, openHubConnection, type HubSession } from "./hub-connection.ts";

export interface HubLinkOptions {
  url: string;
  credential: string;
  ca?: Buffer;
  heartbeatTimeoutMs: number;
  backoff: BackoffOptions;
  logger: Logger;
  /** The hello for a new session (it names what the agent enforces at that moment). */
  hello: () => HelloMessage;
  onMessage: (message: HubMessage) => void;
  /** A session opened (after hello) or ended. */
  onChange: () => void;
  /** The credential was refused: the link is over. */
  onRefused: (message: string) => void;
}

export class HubLink {
  private session: HubSession | null = null;
  private contactAt: Date | null = null;
  private stopped = false;
  private wake: () => void = () => {};
  private readonly backoff: Backoff;

  constructor(private readonly options: HubLinkOptions) {
    this.backoff = new Backoff(options.backoff);
  }

  get connected(): boolean {
    return this.session !== null;
  }

  /** When a session last opened or the hub last said something. */
  get lastContactAt(): Date | null {
    return this.contactAt;
  }

  start(): void {
    void this.run();
  }

  send(message: AgentMessage): boolean {
    return this.session?.send(message) ?? false;
  }

  /** Ends the current session; a new one follows after the usual delay. */
  restart(): void {
    this.session?.close();
  }

  stop(): void {
    this.stopped = true;
    this.session?.close();
    this.wake();
  }

  private async run(): Promise<void> {
    const log = this.options.logger;
    while (!this.stopped) {
      let heard = false;
      try {
        const session = await openHubConnection({
          url: this.options.url,
          credential: this.options.credential,
          ...(this.options.ca ? { ca: this.options.ca } : {}),
          heartbeatTimeoutMs: this.options.heartbeatTimeoutMs,
          onMessage: (message) => {
            heard = true;
            this.contactAt = new Date();
            this.options.onMessage(message);
          },
          onProtocolError: (error) => log.warn({ error }, "the control plane sent a message this agent cannot parse"),
        });
        if (this.stopped) {
          session.close();
          return;
        }
        this.session = session;
        log.info({ url: this.options.url }, "connected to the control plane");
        this.contactAt = new Date();
        session.send(this.options.hello());
        this.options.onChange();
        const why = await session.closed;
        this.session = null;
        log.warn({ why }, "connection to the control plane lost; enforcing the last state meanwhile");
        this.options.onChange();
      } catch (error) {
        if (error instanceof CredentialRefusedError) {
          log.error(error.message);
          this.stopped = true;
          this.options.onRefused(error.message);
          return;
        }
        log.warn({ error: (error as Error).message }, "cannot reach the control plane; retrying");
      }
      // A session the hub answered worked: the next outage starts from short delays again.
      if (heard) this.backoff.reset();
      if (!this.stopped) await this.sleep(this.backoff.next());
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
