// A configuration mistake stops `pnpm start` before it touches anything: no migration, no first
// admin, no DATA_DIR. Before, a too-short AGI_SECRET stopped the process only after it had
// migrated the database and created the first MSP admin (with a password nobody saw).
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createEmptyPostgresDatabase } from "@gatehouse/testkit/database";
import { loadEnv } from "../src/env.ts";
import { spawnControlPlane } from "./kit/index.ts";

const scratch = mkdtempSync(join(tmpdir(), "gh-startup-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const BASE = { PORT: "0", HOST: "127.0.0.1", GATEHOUSE_ADMIN_EMAIL: "msp@example.net", GATEHOUSE_ADMIN_PASSWORD: "correct horse battery staple" };

const MISTAKES: Array<[string, Record<string, string>, RegExp]> = [
  ["a 15-character AGI_SECRET", { AGI_SECRET: "fifteen-chars!!", AGI_ALLOWED_ADDRESSES: "192.0.2.10" }, /AGI_SECRET: needs at least 16 characters/],
  ["AGI_SECRET without AGI_ALLOWED_ADDRESSES", { AGI_SECRET: "a-long-enough-agi-secret" }, /AGI_ALLOWED_ADDRESSES: is empty while AGI_SECRET turns the IVR on/],
  ["FastAGI on the HTTP port", { AGI_SECRET: "a-long-enough-agi-secret", AGI_ALLOWED_ADDRESSES: "192.0.2.10", PORT: "8090", AGI_PORT: "8090" }, /AGI_PORT: is PORT's port too \(8090\)/],
  ["a GEO_DATABASE_DIR without a VERSION file", { GEO_DATABASE_DIR: scratch }, /GEO_DATABASE_DIR: has no VERSION file/],
];

describe("a control plane started with a configuration mistake", () => {
  it.each(MISTAKES)("%s: exits 1 naming the variable, and no DATA_DIR is created for PGlite", async (_story, mistake, message) => {
    const dataDir = join(scratch, `never-${readdirSync(scratch).length}`);
    const plane = spawnControlPlane({ ...BASE, DATA_DIR: dataDir, ...mistake });
    expect(await plane.exited()).toBe(1);
    expect(plane.stderr()).toMatch(message);
    expect(plane.stderr()).toMatch(/invalid control-plane configuration/);
    expect(plane.stdout()).not.toMatch(/migration|first MSP admin|listening/);
    expect(existsSync(dataDir)).toBe(false);
  });

  it.runIf(process.env.DATABASE_URL)("each of them leaves an empty PostgreSQL database empty: no tables, so no admin", async () => {
    for (const [, mistake, message] of MISTAKES) {
      const database = await createEmptyPostgresDatabase();
      try {
        const plane = spawnControlPlane({ ...BASE, DATABASE_URL: database.url, DATA_DIR: join(scratch, "unused"), ...mistake });
        expect(await plane.exited()).toBe(1);
        expect(plane.stderr()).toMatch(message);
        expect(await database.tableNames()).toEqual([]);
      } finally {
        await database.drop();
      }
    }
  });

  it("names every wrong variable at once", () => {
    const message = problemsOf({
      DATABASE_URL: "mysql://db.example.net/gatehouse",
      PUBLIC_URL: "ftp://gatehouse.example.net",
      SMTP_URL: "http://mail.example.net",
      TIME_ZONE: "Mars/Olympus_Mons",
      TRUSTED_PROXIES: "10.0.0.0/8, proxy.example.net",
      METRICS_TOKEN: "short",
      AGI_ALLOWED_ADDRESSES: "192.0.2.300",
      EXPIRY_SWEEP_INTERVAL_SECONDS: "9999999",
    });
    for (const expected of [
      "DATABASE_URL: must be a postgresql:// URL",
      "PUBLIC_URL: must be an http:// or https:// URL",
      "SMTP_URL: must be an smtp:// or smtps:// URL",
      "TIME_ZONE: is not an IANA time zone",
      "TRUSTED_PROXIES: proxy.example.net is not an IP address or CIDR",
      "METRICS_TOKEN: needs at least 16 characters",
      "AGI_ALLOWED_ADDRESSES: 192.0.2.300 is not an IPv4 address: octet 4 is 300",
      "EXPIRY_SWEEP_INTERVAL_SECONDS: at most 86400",
      "AGI_SECRET: is unset while AGI_ALLOWED_ADDRESSES is set",
    ]) {
      expect(message).toContain(expected);
    }
  });

  it("a value the control plane would later fail on is refused at start: a lifetime past a year, a listen address with a port", () => {
    const message = problemsOf({
      SESSION_TTL_HOURS: "1000000000000",
      ENROLLMENT_TTL_HOURS: "8761",
      LOGIN_FAILURE_WINDOW_MINUTES: "999999999999",
      HOST: "0.0.0.0:8080",
      AGI_HOST: "tcp://192.0.2.10",
    });
    for (const expected of [
      "SESSION_TTL_HOURS: at most 8760 (a year)",
      "ENROLLMENT_TTL_HOURS: at most 8760 (a year)",
      "LOGIN_FAILURE_WINDOW_MINUTES: at most 525600 (a year)",
      "HOST: must be an IP address or a host name, without a port",
      "AGI_HOST: must be an IP address or a host name, without a port",
    ]) {
      expect(message).toContain(expected);
    }
    expect(loadEnv({ HOST: "::", AGI_HOST: "pbx-gateway.example.net", SESSION_TTL_HOURS: "8760" })).toMatchObject({ HOST: "::", AGI_HOST: "pbx-gateway.example.net", SESSION_TTL_HOURS: 8760 });
  });

  it("an address list's refusal is the parser's own message, naming what is wrong with the item", () => {
    const message = problemsOf({ TRUSTED_PROXIES: "010.0.0.1", AGI_SECRET: "a-long-enough-agi-secret", AGI_ALLOWED_ADDRESSES: "192.0.2.10, 10.0.0.1/8" });
    expect(message).toContain("TRUSTED_PROXIES: 010.0.0.1 is not an IPv4 address: octet 1 (010) has a leading zero, which some tools read as octal");
    expect(message).toContain("AGI_ALLOWED_ADDRESSES: 10.0.0.1/8 is not where a /8 range starts: did you mean 10.0.0.0/8 (the whole range) or 10.0.0.1 (that one address)?");
    expect(message).not.toContain("192.0.2.10");
  });

  it("a complete configuration passes", () => {
    const env = loadEnv({
      DATABASE_URL: "postgresql://gatehouse@db.example.net/gatehouse",
      PUBLIC_URL: "https://gatehouse.example.net",
      SMTP_URL: "smtps://mailer:secret@mail.example.net:465",
      TIME_ZONE: "Europe/Berlin",
      TRUSTED_PROXIES: "10.0.0.0/8, 2001:db8::1",
      METRICS_TOKEN: "a-long-enough-metrics-token",
      AGI_SECRET: "a-long-enough-agi-secret",
      AGI_ALLOWED_ADDRESSES: "192.0.2.10",
    });
    expect(env).toMatchObject({ AGI_PORT: 4573, PORT: 8080, TRUSTED_PROXIES: ["10.0.0.0/8", "2001:db8::1"] });
  });
});

function problemsOf(source: Record<string, string>): string {
  try {
    loadEnv(source);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  throw new Error("expected the configuration to be refused");
}
