import { describe, expect, it } from "vitest";
import { fqdnAnswersText } from "./fqdn-answers-text.ts";

const NOW = Date.parse("2026-12-01T12:00:00Z");
const at = "2026-12-01T11:57:00.000Z";

describe("gatehouse servers show, a server's host names", () => {
  it("shows a SIP domain's every SRV target with its ports and addresses under the domain", () => {
    const text = fqdnAnswersText(
      [
        { fqdn: "home.example.net", addresses: ["198.51.100.7"], targets: null, error: null, resolvedAt: at },
        {
          fqdn: "srv:trunk.example.net",
          addresses: ["198.51.100.11", "203.0.113.21"],
          targets: [
            { target: "sip-a.trunk.example.net", ports: [5060], addresses: ["198.51.100.11"] },
            { target: "sip-b.trunk.example.net", ports: [5060, 5061], addresses: ["203.0.113.21"] },
          ],
          error: null,
          resolvedAt: at,
        },
        { fqdn: "srv:plain.example.net", addresses: ["192.0.2.9"], targets: [], error: null, resolvedAt: at },
        { fqdn: "srv:gone.example.net", addresses: [], targets: null, error: "gone.example.net has no SIP SRV record", resolvedAt: at },
      ],
      NOW,
    );
    expect(text).toEqual([
      "Host names as the agent resolved them",
      "  home.example.net       198.51.100.7 (resolved 3m ago)",
      "  srv:trunk.example.net  198.51.100.11, 203.0.113.21 (resolved 3m ago)",
      "      SRV sip-a.trunk.example.net:5060  198.51.100.11",
      "      SRV sip-b.trunk.example.net:5060,5061  203.0.113.21",
      "  srv:plain.example.net  192.0.2.9 (resolved 3m ago)",
      "      no SRV record: the domain's own addresses",
      "  srv:gone.example.net   unresolved: gone.example.net has no SIP SRV record",
    ]);
  });

  it("says nothing when the server has no host names", () => {
    expect(fqdnAnswersText([], NOW)).toEqual([]);
  });
});
