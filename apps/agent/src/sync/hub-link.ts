// Keeps one session with the hub open for as long as the agent runs: connect, say hello,
// deliver messages, and after any loss reconnect with backoff — except when the control plane
// refuses the credential, which ends the link for good (the runtime stops and says so). Given
// several control-plane replicas, every reconnect goes to the next one (url-rotation.ts); a
// refusal still ends the link, since all replicas share one database.
import type { Logger } from "pino";
import type { AgentMessage, HelloMessage, HubMessage } from "@gatehouse/protocol";
import { Backoff, type BackoffOptions } from "./backoff.ts";
import { connectTimeoutMs, type ConnectTimeoutOptions } from "./connect-timeout.ts";
import { shownUrl } from "../state/control-plane-urls.ts";
import { CredentialRefusedError, openHubConnection, type HubSession } from "./hub-connection.ts";
import { UrlRotation } from "./url-rotation.ts";

export interface HubLinkOptions {
  /** The control plane's base URL, or its replicas' (checked: control-plane-urls.ts). */
  urls: readonly string[];
  /** [0, 1); picks the replica tried first. Injectable so tests are deterministic. */
  random?: () => number;
  credential: string;
  ca?: Buffer;
  heartbeatTimeoutMs: number;
  backoff: BackoffOptions;
  /** Default 10 s growing to 60 s with the outage (connect-timeout.ts). */
  connectTimeouts?: ConnectTimeoutOptions;
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
  private sessionUrl: string | null = null;
  private contactAt: Date | null = null;
  private stopped = false;
  private wake: () => void = () => {};
  private readonly backoff: Backoff;
  private readonly rotation: UrlRotation;

  constructor(private readonly options: HubLinkOptions) {
    this.backoff = new Backoff(options.backoff);
    this.rotation = new UrlRotation(options.urls, options.random);
  }

  get connected(): boolean {
    return this.session !== null;
  }

  /** The replica the open session is with (as shownUrl writes it); null when not connected. */
  get connectedTo(): string | null {
    return this.sessionUrl;
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
    while (!this.stopped) {
      const heard = await this.attempt(this.rotation.current);
      if (this.stopped) return;
      // A session the hub answered worked: the next outage starts from short delays again.
      if (heard) this.backoff.reset();
      this.rotation.advance();
      await this.sleep(this.backoff.next());
    }
  }

  /** One connect and, when it opens, the session until it ends; true when the hub said something. */
  private async attempt(url: string): Promise<boolean> {
    const log = this.options.logger.child({ url: shownUrl(url) });
    const next = this.rotation.size > 1 ? { nextUrl: shownUrl(this.rotation.next) } : {};
    let heard = false;
    try {
      const session = await openHubConnection({
        url,
        credential: this.options.credential,
        ...(this.options.ca ? { ca: this.options.ca } : {}),
        heartbeatTimeoutMs: this.options.heartbeatTimeoutMs,
        connectTimeoutMs: connectTimeoutMs(this.backoff.outageMs(), this.options.connectTimeouts),
        onMessage: (message) => {
          heard = true;
          this.contactAt = new Date();
          this.options.onMessage(message);
        },
        onProtocolError: (error) => log.warn({ error }, "the control plane sent a message this agent cannot parse"),
      });
      if (this.stopped) {
        session.close();
        return heard;
      }
      this.session = session;
      this.sessionUrl = shownUrl(url);
      log.info("connected to the control plane");
      this.contactAt = new Date();
      session.send(this.options.hello());
      this.options.onChange();
      const why = await session.closed;
      this.session = null;
      this.sessionUrl = null;
      log.warn({ why, ...next }, "connection to the control plane lost; enforcing the last state meanwhile");
      this.options.onChange();
    } catch (error) {
      if (!(error instanceof CredentialRefusedError)) {
        log.warn({ error: (error as Error).message, ...next }, "cannot reach the control plane; retrying");
        return heard;
      }
      log.error(error.message);
      this.stopped = true;
      this.options.onRefused(error.message);
    }
    return heard;
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
