// The Travelers page must not look ready when the phone side is off. travelers.phoneSetup tells
// any signed-in operator the number travelers call (TRAVELER_DID), whether this control plane
// answers the IVR (AGI_SECRET set and FastAGI listening) and whether mail is sent (SMTP_URL) or
// only written to the outbox, and never a secret, a host or a credential.
import { afterEach, describe, expect, it } from "vitest";
import { travelersExtension } from "../src/travelers/extension.ts";
import { loadEnv } from "../src/env.ts";
import { seedFleet, signedInClient, startUnderTest, type PlaneUnderTest } from "./kit/index.ts";

describe("the phone side as the Travelers page shows it", () => {
  let test: PlaneUnderTest | undefined;
  afterEach(async () => {
    await test?.stop();
    test = undefined;
  });

  it("out of the box: no number, the IVR off and mail only written to the outbox", async () => {
    test = await startUnderTest(undefined, { extensions: [travelersExtension()] });
    expect(await test.admin.travelers.phoneSetup.query()).toEqual({ did: null, ivr: { on: false, reason: "no-agi-secret" }, mail: { mode: "outbox" } });
  });

  it("configured: the number, the IVR on with its port, mail over SMTP; a viewer of a tenant reads it too, without the secrets", async () => {
    const agiSecret = "a-long-fastagi-secret-0123";
    const smtpUrl = "smtp://mailer:hunter2-smtp-password@mail.example.net:587";
    test = await startUnderTest(undefined, {
      extensions: [travelersExtension()],
      env: { TRAVELER_DID: "+1 212 555 0100", AGI_SECRET: agiSecret, AGI_ALLOWED_ADDRESSES: "127.0.0.1", AGI_PORT: "0", AGI_HOST: "127.0.0.1", SMTP_URL: smtpUrl },
    });
    const setup = await test.admin.travelers.phoneSetup.query();
    expect(setup).toEqual({ did: "+1 212 555 0100", ivr: { on: true, port: expect.any(Number) }, mail: { mode: "smtp" } });

    const fleet = await seedFleet(test.admin);
    await test.admin.operators.create.mutate({ email: "view@acme.example", name: "Viewer", password: "a viewer's long password", role: "VIEWER", tenantId: fleet.tenantA.id });
    const viewer = await signedInClient(test.plane.url, "view@acme.example", "a viewer's long password");
    const seen = JSON.stringify(await viewer.travelers.phoneSetup.query());
    expect(seen).not.toContain(agiSecret);
    expect(seen).not.toContain("hunter2");
    expect(seen).not.toContain("mail.example.net");
  });

  it("a TRAVELER_DID that is no phone number stops the start with the variable's name", () => {
    expect(() => loadEnv({ TRAVELER_DID: "call me; rm -rf /" })).toThrow("TRAVELER_DID: must be a phone number, like +1 212 555 0100");
  });
});
