import { describe, expect, it } from "vitest";
import { plainHttp, plainHttpWarning } from "./plain-http.ts";

describe("a control plane over plain http", () => {
  it("is told apart from https and from this host's loopback", () => {
    expect(plainHttp("https://gatehouse.example.net")).toBe("no");
    expect(plainHttp("http://127.0.0.1:3000")).toBe("loopback");
    expect(plainHttp("http://localhost:3000")).toBe("loopback");
    expect(plainHttp("http://[::1]:3000")).toBe("loopback");
    expect(plainHttp("http://192.0.2.1:3000")).toBe("remote");
    expect(plainHttp("http://127.0.0.1.example.net")).toBe("remote");
  });

  it("to another host is refused, saying why, unless the operator accepts it; then it is a loud warning", () => {
    expect(() => plainHttpWarning("http://192.0.2.1:3000", false)).toThrow(/refusing plain http:\/\/ to http:\/\/192\.0\.2\.1:3000: .*rewrite this server's firewall.*--insecure-http/);
    expect(plainHttpWarning("http://192.0.2.1:3000", true)).toMatch(/^WARNING: plain http/);
    expect(plainHttpWarning("https://gatehouse.example.net", false)).toBeNull();
  });
});
