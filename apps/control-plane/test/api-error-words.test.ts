// What a client is told when the API refuses its input: the field by name and the limit in
// words ("Comment is too long: at most 300 characters"), never zod's developer text ("Too big:
// expected string to have <=300 characters"); a message a schema or a parser wrote itself
// reaches the client as written. Over HTTP against a real control plane.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { humanIssueMessage } from "../src/api/issue-messages.ts";
import { errorOf, seedFleet, startUnderTest, type Fleet, type PlaneUnderTest } from "./kit/index.ts";

describe("the API's refusals in words", () => {
  let test: PlaneUnderTest;
  let fleet: Fleet;

  beforeAll(async () => {
    test = await startUnderTest();
    fleet = await seedFleet(test.admin);
  });
  afterAll(async () => {
    await test.stop();
  });

  it("a comment over the limit names the field and the limit, and adds nothing", async () => {
    const before = await test.db.prisma.allowEntry.count();
    const error = await errorOf(test.admin.entries.add.mutate({ source: "198.51.100.9", services: ["sip"], scope: { kind: "SERVER", serverId: fleet.serverA1 }, comment: "x".repeat(501) }));
    expect(error).toEqual({ code: "BAD_REQUEST", message: "Comment is too long: at most 500 characters", field: "comment" });
    expect(await test.db.prisma.allowEntry.count()).toBe(before);
  });

  it("a long or empty name and a key the procedure does not take each say what is wrong", async () => {
    expect((await errorOf(test.admin.tenants.create.mutate({ name: "x".repeat(101) }))).message).toBe("Name is too long: at most 100 characters");
    expect((await errorOf(test.admin.tenants.create.mutate({ name: "" }))).message).toBe("Name: a name is required");
    expect((await errorOf(test.admin.tenants.create.mutate({ name: "Charlie", colour: "red" } as never))).message).toBe("This request does not take the field colour");
  });

  it("the source parser's own message is kept as written", async () => {
    const error = await errorOf(test.admin.entries.add.mutate({ source: "198.51.100.7;reboot", services: ["sip"], scope: { kind: "SERVER", serverId: fleet.serverA1 } }));
    expect(error.message).toBe('";" cannot appear in an IP address, CIDR range or host name (only letters, digits, ".", "-", ":" and "/" can)');
    expect(error.field).toBe("source");
  });
});

describe("zod's issues in words", () => {
  const words = (schema: z.ZodType, input: unknown) => {
    const result = schema.safeParse(input);
    if (result.success) throw new Error("expected a refusal");
    return result.error.issues.map((issue) => humanIssueMessage(issue) ?? `(as written) ${issue.message}`);
  };

  it.each([
    [z.strictObject({ services: z.array(z.string()).max(2) }), { services: ["a", "b", "c"] }, "Services has too many items: at most 2"],
    [z.strictObject({ services: z.array(z.string()).min(1) }), { services: [] }, "Services needs at least one item"],
    [z.strictObject({ grantLifetimeHours: z.number().int().max(8784) }), { grantLifetimeHours: 9000 }, "Grant lifetime hours must be at most 8784"],
    [z.strictObject({ grantLifetimeHours: z.number().int() }), { grantLifetimeHours: 1.5 }, "Grant lifetime hours must be a whole number"],
    [z.strictObject({ maxActiveGrants: z.number() }), { maxActiveGrants: "3" }, "Max active grants must be a number"],
    [z.strictObject({ email: z.email() }), { email: "sam" }, "Email is not an e-mail address"],
    [z.strictObject({ email: z.email() }), {}, "Email is missing"],
    [z.strictObject({ role: z.enum(["VIEWER", "TENANT_ADMIN"]) }), { role: "ROOT" }, "Role must be one of: VIEWER, TENANT_ADMIN"],
    [z.strictObject({ scopeServerIds: z.array(z.uuid()) }), { scopeServerIds: ["x"] }, "Scope servers (item 1) is not a valid id (ids come from the lists, they are not typed)"],
    [z.strictObject({ pin: z.string().regex(/^\d{4,12}$/, "a PIN is 4 to 12 digits") }), { pin: "12" }, "(as written) a PIN is 4 to 12 digits"],
  ])("%#: %j -> %s", (schema, input, expected) => {
    expect(words(schema, input)).toEqual([expected]);
  });
});
