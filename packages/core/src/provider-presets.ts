// The VoIP trunk providers Travelin' Man 3 allowed by default, as switchable presets. Host
// names are those the Travelin' Man 3 article names, except where noted. Seeded into the
// ProviderPreset table; never enabled for anybody until an operator switches one on.
import type { ServiceId } from "./model.ts";

export interface ProviderPresetDefinition {
  /** Stable slug, also the database id. */
  id: string;
  name: string;
  /** FQDNs (resolved by the agent) or addresses of the provider's signalling hosts. */
  hosts: string[];
  services: ServiceId[];
}

const SIP: ServiceId[] = ["sip", "rtp"];
/** Providers that also offered IAX2 trunks. */
const SIP_AND_IAX2: ServiceId[] = ["sip", "rtp", "iax2"];

export const PROVIDER_PRESETS: readonly ProviderPresetDefinition[] = [
  { id: "vitelity", name: "Vitelity", hosts: ["outbound1.vitelity.net", "inbound1.vitelity.net"], services: SIP_AND_IAX2 },
  // The article's "city.voip.ms" stands for VoIP.ms's per-city POPs (e.g. chicago.voip.ms):
  // real deployments add the POP host their account registers to.
  { id: "voip-ms", name: "VoIP.ms", hosts: ["city.voip.ms"], services: SIP_AND_IAX2 },
  { id: "didforsale", name: "DIDforsale", hosts: ["209.216.2.211"], services: SIP },
  { id: "callcentric", name: "CallCentric", hosts: ["callcentric.com"], services: SIP },
  { id: "voipstreet", name: "VoIPStreet", hosts: ["chi-out.voipstreet.com", "chi-in.voipstreet.com"], services: SIP },
  { id: "les-net", name: "Les.net", hosts: ["did.voip.les.net"], services: SIP_AND_IAX2 },
  { id: "axvoice", name: "AxVoice", hosts: ["magnum.axvoice.com"], services: SIP },
  { id: "sip2sip", name: "SIP2SIP", hosts: ["proxy.sipthor.net"], services: SIP },
  { id: "voipmyway", name: "VoIPMyWay", hosts: ["sip.voipwelcome.com"], services: SIP },
  // Not named in the article: Teliax trunks register to regional teliax.net hosts; lax is
  // the one seen in published Asterisk registrations, sip the generic name. Check the POP
  // shown in the Teliax account.
  { id: "teliax", name: "Teliax", hosts: ["lax.teliax.net", "sip.teliax.net"], services: SIP_AND_IAX2 },
  // Free DIDs for the Travelin' Man 4 IVR; calls arrive from IPkall's SIP host.
  { id: "ipkall", name: "IPkall", hosts: ["ipkall.com"], services: SIP },
];
