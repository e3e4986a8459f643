// `gatehouse traveler add|list|reset-pin|grant|grants|revoke`: the Travelin' Man 4 accounts
// that let people on the road allow their own address by phone. A PIN is never taken as an
// argument (shell history, `ps`): it is generated and shown once, or read with --pin-stdin.
import type { Command } from "commander";
import type { Api } from "../api.ts";
import { withContext, type CommandContext } from "../context.ts";
import { CliError } from "../errors.ts";
import { parseDuration } from "../expiry.ts";
import { allGrants, allTenants, allTravelers, type Grant, type Traveler } from "../lists.ts";
import { shortTime } from "../output.ts";
import { readStdin } from "../prompt.ts";
import { resolveServer, resolveTenant } from "../resolve.ts";
import { parseServices } from "./allow.ts";

/** By account number, id or email address. */
async function resolveTraveler(api: Api, key: string): Promise<Traveler> {
  const travelers = await allTravelers(api);
  const found = travelers.find((t) => t.accountNumber === key || t.id === key || t.email.toLowerCase() === key.toLowerCase());
  if (!found) throw new CliError(`no traveler with account number, id or email ${key} (see \`gatehouse traveler list\`)`);
  return found;
}

async function pinFromStdin(enabled: boolean | undefined): Promise<string | undefined> {
  if (!enabled) return undefined;
  const pin = (await readStdin()).trim();
  if (!pin) throw new CliError("--pin-stdin: standard input was empty");
  return pin;
}

function lifetimeHours(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseDuration(text);
  const hours = ms === undefined ? Number.NaN : ms / 3_600_000;
  if (!Number.isInteger(hours) || hours < 1) throw new CliError(`--grant-lifetime ${text}: expected whole hours, days or weeks, like 12h, 7d or 2w`);
  return hours;
}

function splitList(text: string | undefined): string[] | undefined {
  return text === undefined ? undefined : text.split(",").map((s) => s.trim()).filter(Boolean);
}

interface AddOptions {
  tenant: string;
  email: string;
  groups?: string;
  servers?: string;
  services?: string;
  grantLifetime?: string;
  maxGrants?: string;
  pinStdin?: boolean;
}

async function addTraveler(ctx: CommandContext, name: string, options: AddOptions): Promise<void> {
  const api = ctx.api();
  const pin = await pinFromStdin(options.pinStdin);
  const tenant = await resolveTenant(api, options.tenant);
  const serverIds = [];
  for (const server of splitList(options.servers) ?? []) serverIds.push((await resolveServer(api, server)).id);
  const { traveler, generatedPin } = await api.travelers.create.mutate({
    tenantId: tenant.id,
    name,
    email: options.email,
    pin,
    scopeGroups: splitList(options.groups),
    scopeServerIds: serverIds,
    services: parseServices(options.services),
    grantLifetimeHours: lifetimeHours(options.grantLifetime),
    maxActiveGrants: options.maxGrants === undefined ? undefined : Number(options.maxGrants),
  });
  const pinLine = generatedPin ? `\nPIN: ${generatedPin}  (shown only this once: give it to ${traveler.name})` : "";
  ctx.out.result({ traveler, generatedPin }, `Traveler ${traveler.name} added to tenant ${tenant.name}, account number ${traveler.accountNumber}.${pinLine}`);
}

async function resetPin(ctx: CommandContext, key: string, options: { pinStdin?: boolean }): Promise<void> {
  const api = ctx.api();
  const pin = await pinFromStdin(options.pinStdin);
  const traveler = await resolveTraveler(api, key);
  const { generatedPin } = await api.travelers.resetPin.mutate({ travelerId: traveler.id, pin });
  const human = generatedPin
    ? `New PIN for ${traveler.name} (account ${traveler.accountNumber}): ${generatedPin}  (shown only this once)`
    : `PIN of ${traveler.name} (account ${traveler.accountNumber}) set; any lockout is lifted.`;
  ctx.out.result({ travelerId: traveler.id, generatedPin }, human);
}

async function listTravelers(ctx: CommandContext, options: { tenant?: string }): Promise<void> {
  const api = ctx.api();
  const tenantId = options.tenant ? (await resolveTenant(api, options.tenant)).id : undefined;
  const [travelers, tenants, grants] = await Promise.all([
    allTravelers(api, { tenantId }),
    allTenants(api),
    allGrants(api, { tenantId, activeOnly: true }),
  ]);
  const tenantName = new Map(tenants.map((t) => [t.id, t.name]));
  const now = Date.now();
  ctx.out.table<Traveler>(travelers, [
    { header: "account", value: (t) => t.accountNumber },
    { header: "name", value: (t) => t.name },
    { header: "email", value: (t) => t.email },
    { header: "tenant", value: (t) => tenantName.get(t.tenantId) ?? t.tenantId },
    { header: "enabled", value: (t) => t.enabled },
    { header: "locked", value: (t) => (t.lockedUntil && Date.parse(t.lockedUntil) > now ? `until ${shortTime(t.lockedUntil)}` : "") },
    { header: "scope", value: (t) => [...t.scopeGroups.map((g) => `group ${g}`), ...(t.scopeServerIds.length ? [`${t.scopeServerIds.length} server(s)`] : [])].join(", ") || "whole tenant" },
    { header: "services", value: (t) => t.services.join(",") },
    { header: "active grants", value: (t) => grants.filter((g) => g.travelerId === t.id).length },
  ], "No travelers yet: add one with `gatehouse traveler add NAME --tenant T --email E`.");
}

function grantColumns(travelers: readonly Traveler[]) {
  const byId = new Map(travelers.map((t) => [t.id, t]));
  return [
    { header: "id", value: (g: Grant) => g.id.slice(0, 8) },
    { header: "traveler", value: (g: Grant) => { const t = byId.get(g.travelerId); return t ? `${t.name} (${t.accountNumber})` : g.travelerId; } },
    { header: "address", value: (g: Grant) => g.address },
    { header: "via", value: (g: Grant) => g.channel.toLowerCase() },
    { header: "status", value: (g: Grant) => g.status },
    { header: "expires", value: (g: Grant) => shortTime(g.expiresAt) },
    { header: "mailed", value: (g: Grant) => (g.mailedAt ? shortTime(g.mailedAt) : g.mailError ?? "") },
  ];
}

async function listGrants(ctx: CommandContext, key: string | undefined, options: { all?: boolean }): Promise<void> {
  const api = ctx.api();
  const traveler = key ? await resolveTraveler(api, key) : undefined;
  const [grants, travelers] = await Promise.all([
    allGrants(api, { travelerId: traveler?.id, activeOnly: !options.all }),
    allTravelers(api),
  ]);
  ctx.out.table(grants, grantColumns(travelers), options.all ? "No grants." : "No active grants.");
}

async function grant(ctx: CommandContext, key: string, address: string): Promise<void> {
  const api = ctx.api();
  const traveler = await resolveTraveler(api, key);
  const created = await api.travelers.grant.mutate({ travelerId: traveler.id, address });
  ctx.out.result(created, `Allowed ${created.address} for ${traveler.name} until ${shortTime(created.expiresAt)} (grant ${created.id.slice(0, 8)}).`);
}

async function revoke(ctx: CommandContext, key: string, address: string | undefined): Promise<void> {
  const api = ctx.api();
  const traveler = await resolveTraveler(api, key);
  const active = await allGrants(api, { travelerId: traveler.id, activeOnly: true });
  const chosen = address === undefined ? active : active.filter((g) => g.address === address || g.id.startsWith(address.toLowerCase()));
  if (chosen.length === 0) {
    throw new CliError(`${traveler.name} has no active grant${address ? ` for ${address}` : ""} (see \`gatehouse traveler grants ${traveler.accountNumber}\`)`);
  }
  const revoked: Grant[] = [];
  for (const g of chosen) revoked.push(await api.travelers.revokeGrant.mutate({ grantId: g.id }));
  ctx.out.result(revoked, revoked.map((g) => `Revoked ${g.address} of ${traveler.name} (grant ${g.id.slice(0, 8)}).`).join("\n"));
}

export function registerTravelerCommands(program: Command): void {
  const traveler = program
    .command("traveler")
    .alias("travelers")
    .description("travelers who allow their own address by phone: add, list, reset-pin, grant, grants, revoke");

  traveler
    .command("add <name>")
    .description("create a traveler account; prints the account number Gatehouse assigns, and a generated PIN once")
    .requiredOption("--tenant <name|id>", "the tenant whose servers they may open")
    .requiredOption("--email <email>", "where grant confirmations are mailed")
    .option("--groups <groups>", "limit to these server groups (default: the whole tenant)")
    .option("--servers <names>", "limit to these servers (names or ids, comma-separated)")
    .option("--services <ids>", "services their grants open (default: sip,rtp,iax2,webrtc)")
    .option("--grant-lifetime <duration>", "how long a grant lasts: 12h, 7d, 2w (default: 7d)")
    .option("--max-grants <n>", "active grants at once (default: 3)")
    .option("--pin-stdin", "read the PIN from standard input instead of generating one")
    .addHelpText("after", "\nExample:\n  gatehouse traveler add 'Bob Smith' --tenant acme --email bob@example.net --grant-lifetime 3d")
    .action(withContext(addTraveler));

  traveler
    .command("list")
    .description("list travelers with their active grant counts")
    .option("--tenant <name|id>", "travelers of this tenant")
    .action(withContext(listTravelers));

  traveler
    .command("reset-pin <traveler>")
    .description("set a new PIN (generated and shown once, or --pin-stdin) and lift any lockout")
    .option("--pin-stdin", "read the new PIN from standard input")
    .action(withContext(resetPin));

  traveler
    .command("grant <traveler> <address>")
    .description("allow an address for a traveler, as if they had called the IVR")
    .action(withContext(grant));

  traveler
    .command("grants [traveler]")
    .description("list active grants (of one traveler: account number, id or email)")
    .option("--all", "include expired and revoked grants")
    .action(withContext(listGrants));

  traveler
    .command("revoke <traveler> [address]")
    .description("end a traveler's active grants at once (all, or the one for ADDRESS or grant id)")
    .addHelpText("after", "\nExample:\n  gatehouse traveler revoke 4711 198.51.100.23")
    .action(withContext(revoke));
}
