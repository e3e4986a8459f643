import { describe, expect, it } from "vitest";
import { readControlPlaneUrls, shownUrl } from "./control-plane-urls.ts";

describe("the control plane's URL, or its replicas' separated by commas", () => {
  it("one URL reads as it always did", () => {
    expect(readControlPlaneUrls("https://gatehouse.example.net")).toEqual({ ok: true, urls: ["https://gatehouse.example.net"] });
  });

  it("several replicas read in the order given, spaces around the commas ignored", () => {
    expect(readControlPlaneUrls("https://cp1.example.net, https://cp2.example.net:8443 ,http://127.0.0.1:3000")).toEqual({
      ok: true,
      urls: ["https://cp1.example.net", "https://cp2.example.net:8443", "http://127.0.0.1:3000"],
    });
  });

  it("a bad URL is refused, naming it and where it is in the list", () => {
    expect(readControlPlaneUrls("https://cp1.example.net,cp2.example.net")).toEqual({ ok: false, problem: '"cp2.example.net" (URL 2 of 2) is not a URL' });
    expect(readControlPlaneUrls("ftp://cp1.example.net,https://cp2.example.net")).toEqual({ ok: false, problem: '"ftp://cp1.example.net" (URL 1 of 2) is not an http:// or https:// URL' });
    expect(readControlPlaneUrls("wss://cp1.example.net")).toEqual({ ok: false, problem: '"wss://cp1.example.net" is not an http:// or https:// URL' });
  });

  it("an empty entry, an empty list and a repeated URL are refused", () => {
    expect(readControlPlaneUrls("https://cp1.example.net,,https://cp2.example.net")).toEqual({ ok: false, problem: "URL 2 of 3 is empty (a comma separates URLs)" });
    expect(readControlPlaneUrls("https://cp1.example.net,")).toEqual({ ok: false, problem: "URL 2 of 2 is empty (a comma separates URLs)" });
    expect(readControlPlaneUrls(" , ")).toEqual({ ok: false, problem: "names no control-plane URL" });
    expect(readControlPlaneUrls("")).toEqual({ ok: false, problem: "names no control-plane URL" });
    expect(readControlPlaneUrls("https://cp1.example.net, https://cp1.example.net")).toEqual({ ok: false, problem: '"https://cp1.example.net" is listed twice' });
  });

  it("a URL carrying a password is refused without repeating the password (URLs are logged)", () => {
    const read = readControlPlaneUrls("https://cp1.example.net,https://agent:hunter2-secret@cp2.example.net");
    expect(read).toEqual({ ok: false, problem: "URL 2 of 2 for cp2.example.net carries a user name or password; give the base URL alone" });
    expect(JSON.stringify(read)).not.toContain("hunter2");
  });

  it("shows as scheme, host, port and path only", () => {
    expect(shownUrl("https://cp1.example.net/")).toBe("https://cp1.example.net");
    expect(shownUrl("https://cp1.example.net:8443/gatehouse/?debug=1#x")).toBe("https://cp1.example.net:8443/gatehouse");
  });
});
