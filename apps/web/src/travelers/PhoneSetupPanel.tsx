// The phone side as travelers meet it, at the top of the Travelers page: the number they call,
// whether this control plane answers the IVR, and whether the confirmation mail is really sent.
// Each "off" says what turns it on, so the page never looks ready when calls would go nowhere.
import { useQuery } from "@tanstack/react-query";
import { api, type RouterOutputs } from "../api/client.ts";
import { Badge } from "../components/Badge.tsx";
import { ErrorNotice } from "../components/Notice.tsx";

type PhoneSetup = RouterOutputs["travelers"]["phoneSetup"];

function DidLine({ did }: { did: string | null }) {
  if (did) return <dd><span className="mono" data-testid="traveler-did">{did}</span></dd>;
  return (
    <dd>
      <Badge tone="warn">not set</Badge> Set <code>TRAVELER_DID</code> to the number your PBX answers for travelers, so it shows here.
    </dd>
  );
}

function IvrLine({ ivr }: { ivr: PhoneSetup["ivr"] }) {
  if (ivr.on) return <dd><Badge tone="ok">on</Badge> FastAGI answers on port <span className="mono">{ivr.port}</span>.</dd>;
  return (
    <dd>
      <Badge tone="bad">off</Badge>{" "}
      {ivr.reason === "no-agi-secret" ? (
        <>
          Calls get no answer. Turn it on with <code>AGI_SECRET</code> (16+ characters) and <code>AGI_ALLOWED_ADDRESSES</code> (your Asterisk), then restart the control plane.
        </>
      ) : (
        <>AGI_SECRET is set but FastAGI is not listening here; see the control plane's log.</>
      )}
    </dd>
  );
}

function MailLine({ mail }: { mail: PhoneSetup["mail"] }) {
  if (mail.mode === "smtp") return <dd><Badge tone="ok">sent</Badge> Confirmations go out over SMTP.</dd>;
  return (
    <dd>
      <Badge tone="warn">outbox</Badge> Confirmations are written to the outbox, not sent. Set <code>SMTP_URL</code> to send them.
    </dd>
  );
}

export function PhoneSetupPanel() {
  const setup = useQuery({ queryKey: ["travelers.phoneSetup"], queryFn: () => api.travelers.phoneSetup.query() });
  return (
    <section className="panel" aria-labelledby="phone-setup-heading">
      <h2 id="phone-setup-heading">Phone line</h2>
      <ErrorNotice error={setup.error} />
      {setup.data && (
        <dl className="facts">
          <dt>Number to call</dt>
          <DidLine did={setup.data.did} />
          <dt>IVR</dt>
          <IvrLine ivr={setup.data.ivr} />
          <dt>Email</dt>
          <MailLine mail={setup.data.mail} />
        </dl>
      )}
    </section>
  );
}
