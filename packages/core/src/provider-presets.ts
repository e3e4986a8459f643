// The VoIP trunk providers Travelin' Man 3 allowed by default, as switchable presets. Host
// names are those the Travelin' Man 3 article names, except where noted. Seeded into the
// ProviderPreset table; never enabled for anybody until an operator switches one on.
// A provider's SIP domain (the domain of its SIP URIs, not one named server) is written
// `srv:<domain>` (sip-domain.ts): the agent follows its SRV records to every server and every
// A/AAAA behind them, and with no SRV record falls back to the domain's own A/AAAA, which is
// exactly what the plain host name gave. So srv: never allows less than the host name did. The
// SRV records themselves could not be looked up from where this list was written (no DNS to the
// Internet): a server's page shows, per SRV target, what its agent found.
import type { ServiceId } from "./model.ts";

export interface ProviderPresetDefinition {
  /** Stable slug, also the database id. */
  id: string;
  name: string;
  /** FQDNs or `srv:<SIP domain>` (resolved by the agent) or addresses of the provider's signalling hosts. */
  hosts: string[];
  services: ServiceId[];
  /** The provider's own page that lists (or names) these hosts. */
  sourceUrl: string;
  /** Where the hosts come from and when they were taken; shown with the preset. */
  sourceNote: string;
}

/** The 2014 Nerd Vittles article that introduced Travelin' Man 3 (reference/travelin-man-3-and-4.txt). */
const ARTICLE = "Named by the Travelin' Man 3 article (Nerd Vittles, 2014: \"Top 3 Asterisk Security Tips for 2014\")";

const SIP: ServiceId[] = ["sip", "rtp"];
/** Providers that also offered IAX2 trunks. */
const SIP_AND_IAX2: ServiceId[] = ["sip", "rtp", "iax2"];

export const PROVIDER_PRESETS: readonly ProviderPresetDefinition[] = [
  { id: "vitelity", name: "Vitelity", hosts: ["outbound1.vitelity.net", "inbound1.vitelity.net"], services: SIP_AND_IAX2, sourceUrl: "https://www.vitelity.com/", sourceNote: ARTICLE + ". Vitelity is now Voyant Communications; check the hosts in the Voyant portal." },
  // The article's "city.voip.ms" stands for VoIP.ms's per-city POPs (e.g. chicago.voip.ms):
  // real deployments add the POP host their account registers to.
  { id: "voip-ms", name: "VoIP.ms", hosts: ["city.voip.ms"], services: SIP_AND_IAX2, sourceUrl: "https://wiki.voip.ms/article/Choosing_Server", sourceNote: ARTICLE + "; VoIP.ms lists its per-city POPs (e.g. chicago.voip.ms) on its Choosing Server page." },
  { id: "didforsale", name: "DIDforsale", hosts: ["209.216.2.211"], services: SIP, sourceUrl: "https://www.didforsale.com/", sourceNote: ARTICLE + ", as an address." },
  // callcentric.com is CallCentric's SIP domain (its users are user@callcentric.com).
  { id: "callcentric", name: "CallCentric", hosts: ["srv:callcentric.com"], services: SIP, sourceUrl: "https://www.callcentric.com/support/device/asterisk", sourceNote: ARTICLE + "; callcentric.com is the SIP domain of CallCentric accounts (its Asterisk setup page)." },
  { id: "voipstreet", name: "VoIPStreet", hosts: ["chi-out.voipstreet.com", "chi-in.voipstreet.com"], services: SIP, sourceUrl: "https://www.voipstreet.com/", sourceNote: ARTICLE + "." },
  { id: "les-net", name: "Les.net", hosts: ["did.voip.les.net"], services: SIP_AND_IAX2, sourceUrl: "https://les.net/", sourceNote: ARTICLE + "." },
  { id: "axvoice", name: "AxVoice", hosts: ["magnum.axvoice.com"], services: SIP, sourceUrl: "https://www.axvoice.com/", sourceNote: ARTICLE + "." },
  // proxy.sipthor.net is the article's; sip2sip.info is the SIP domain of SIP2SIP accounts,
  // served by AG Projects' SIP Thor, which spreads its proxies behind the domain's DNS records.
  { id: "sip2sip", name: "SIP2SIP", hosts: ["proxy.sipthor.net", "srv:sip2sip.info"], services: SIP, sourceUrl: "https://sip2sip.info/", sourceNote: ARTICLE + " (proxy.sipthor.net); sip2sip.info is the SIP domain of SIP2SIP accounts." },
  { id: "voipmyway", name: "VoIPMyWay", hosts: ["sip.voipwelcome.com"], services: SIP, sourceUrl: "https://www.voipmyway.com/", sourceNote: ARTICLE + "." },
  // Not named in the article: Teliax trunks register to regional teliax.net hosts; lax is
  // the one seen in published Asterisk registrations, sip the generic name. Check the POP
  // shown in the Teliax account.
  { id: "teliax", name: "Teliax", hosts: ["lax.teliax.net", "sip.teliax.net"], services: SIP_AND_IAX2, sourceUrl: "https://www.teliax.com/", sourceNote: "The article names Teliax without hosts: lax.teliax.net from published Asterisk registrations, sip.teliax.net the generic name (2026-12). Check the POP in the Teliax account." },
  // Free DIDs for the Travelin' Man 4 IVR; calls arrive from IPkall's SIP host.
  { id: "ipkall", name: "IPkall", hosts: ["srv:ipkall.com"], services: SIP, sourceUrl: "https://www.ipkall.com/", sourceNote: ARTICLE + "; free DIDs for the Travelin' Man 4 IVR." },
  // Carriers of today, from their own published lists as known when this was written (no
  // Internet from here to re-read them): each note says which page and when. Networks are
  // the providers' signalling blocks; media is covered by the base policy's open RTP unless
  // a server closes it, and then by each preset's rtp service for these same sources.
  {
    id: "twilio",
    name: "Twilio Elastic SIP Trunking",
    hosts: ["54.172.60.0/30", "54.244.51.0/30", "54.171.127.192/30", "35.156.191.128/30", "54.65.63.192/30", "54.169.127.128/30", "54.252.254.64/30", "177.71.206.192/30", "168.86.128.0/18"],
    services: ["sip", "sip-tls", "rtp"],
    sourceUrl: "https://www.twilio.com/docs/sip-trunking/ip-addresses",
    sourceNote: "Signalling blocks of every Twilio edge (Ashburn, Umatilla, Dublin, Frankfurt, Tokyo, Singapore, Sydney, São Paulo) and the 168.86.128.0/18 range Twilio moved trunking to, from its \"IP addresses\" page as known in 2026-12.",
  },
  {
    id: "telnyx",
    name: "Telnyx",
    hosts: ["192.76.120.10", "64.16.250.10", "185.246.41.140", "185.246.41.141", "103.115.244.145", "103.115.244.146"],
    services: ["sip", "sip-tls", "rtp"],
    sourceUrl: "https://sip.telnyx.com/",
    sourceNote: "Telnyx's SIP signalling addresses (US, Europe, Asia-Pacific) from sip.telnyx.com as known in 2026-12; Telnyx's media ranges are on the same page.",
  },
  {
    id: "bandwidth",
    name: "Bandwidth",
    hosts: ["216.82.224.202", "216.82.225.202"],
    services: SIP,
    sourceUrl: "https://support.bandwidth.com/",
    sourceNote: "Bandwidth's SIP peering signalling addresses as known in 2026-12 (Bandwidth's support centre, \"IP addresses\" article); an account may be given others: check the account's peer settings.",
  },
  {
    id: "flowroute",
    name: "Flowroute",
    hosts: ["us-west-or.sip.flowroute.com", "us-east-va.sip.flowroute.com", "us-east-nj.sip.flowroute.com", "us-west-wa.sip.flowroute.com", "34.210.91.112/28", "34.226.36.32/28"],
    services: SIP,
    sourceUrl: "https://support.flowroute.com/",
    sourceNote: "Flowroute's points of presence (host names the agent resolves) and its published signalling blocks, from Flowroute's support article on its IP addresses as known in 2026-12.",
  },
];
