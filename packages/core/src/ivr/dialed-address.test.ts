import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parseDialedIPv4 } from "./dialed-address.ts";

describe("an address typed on the keypad with * for the dots", () => {
  it("becomes a dotted address when it has four numbers of 0..255", () => {
    expect(parseDialedIPv4("12*34*56*78")).toEqual({ ok: true, address: "12.34.56.78" });
    expect(parseDialedIPv4("0*0*0*0")).toEqual({ ok: true, address: "0.0.0.0" });
    expect(parseDialedIPv4("255*255*255*255")).toEqual({ ok: true, address: "255.255.255.255" });
  });

  it.each([
    ["12**34*5", "empty-part"],
    ["*12*34*56*78", "empty-part"],
    ["12*34*56*78*", "empty-part"],
    ["999*1*1*1", "part-range"],
    ["256*1*1*1", "part-range"],
    ["1000*1*1*1", "part-range"],
    ["0001*1*1*1", "part-range"],
    ["1*2*3", "part-count"],
    ["1*2*3*4*5", "part-count"],
    ["12345678", "part-count"],
    ["01*2*3*4", "leading-zero"],
    ["1*2*3*00", "leading-zero"],
    ["1#2*3*4", "invalid-characters"],
    ["1.2.3.4", "invalid-characters"],
    ["A*2*3*4", "invalid-characters"],
    ["", "invalid-characters"],
  ])("%s is refused as %s", (keys, error) => {
    expect(parseDialedIPv4(keys)).toEqual({ ok: false, error });
  });

  it("round-trips every IPv4 address typed the keypad way", () => {
    fc.assert(
      fc.property(fc.ipV4(), (address) => {
        expect(parseDialedIPv4(address.replaceAll(".", "*"))).toEqual({ ok: true, address });
      }),
    );
  });

  it("never accepts keys that are not exactly four canonical numbers", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9*]{1,20}$/), (keys) => {
        const parsed = parseDialedIPv4(keys);
        if (parsed.ok) expect(parsed.address.replaceAll(".", "*")).toBe(keys);
      }),
    );
  });
});
