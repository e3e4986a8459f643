// `gatehouse operators list|invite|invites|revoke-invite|disable|enable|role`: who manages the
// fleet. New operators are invited by e-mail and choose their own password through the mailed
// single-use link; no password is ever typed for someone else here.
import type { Command } from "commander";
import { followPages } from "@gatehouse/core";
import type { Api, ApiOutputs } from "../api.ts";
import { withContext, type CommandContext } from "../context.ts";
import { CliError } from "../errors.ts";
import { allTenants } from "../lists.ts";
import { shortTime } from "../output.ts";
import { resolveTenant } from "../resolve.ts";

type OperatorRow = ApiOutputs["operators"]["list"]["operators"][number];
type InviteRow = ApiOutputs["operators"]["invites"]["invites"][number];
type Role = OperatorRow["role"];

const ROLE_WORDS: Record<Role, string> = { MSP_ADMIN: "msp-admin", TENANT_ADMIN: "tenant-admin", VIEWER: "viewer" };

/** "tenant-admin", "TENANT_ADMIN", "Tenant admin" -> TENANT_ADMIN. */
function parseRole(text: string): Role {
  const key = text.trim().toUpperCase().replace(/[-\s]+/g, "_");
  if (key === "MSP_ADMIN" || key === "TENANT_ADMIN" || key === "VIEWER") return key;
  throw new CliError(`role ${text}: expected msp-admin, tenant-admin or viewer`);
}

const allOperators = async (api: Api) => (await followPages((cursor) => api.operators.list.query({ cursor }), (page) => page.operators)).rows;
const allInvites = async (api: Api) => (await followPages((cursor) => api.operators.invites.query({ cursor }), (page) => page.invites)).rows;

/** By e-mail (any case) or id, among the operators the caller may see. */
async function resolveOperator(api: Api, key: string): Promise<OperatorRow> {
  const wanted = key.trim().toLowerCase();
  const found = (await allOperators(api)).find((operator) => operator.id === key || operator.email === wanted);
  if (!found) throw new CliError(`no operator ${key} (see \`gatehouse operators list\`)`);
  return found;
}

async function tenantNames(api: Api): Promise<Map<string, string>> {
  return new Map((await allTenants(api)).map((tenant) => [tenant.id, tenant.name]));
}

function roleText(role: Role, tenantName: string | null | undefined): string {
  return tenantName ? `${ROLE_WORDS[role]} of ${tenantName}` : ROLE_WORDS[role];
}

async function listOperators(ctx: CommandContext): Promise<void> {
  const api = ctx.api();
  const [operators, names] = await Promise.all([allOperators(api), tenantNames(api)]);
  ctx.out.table(operators, [
    { header: "email", value: (o) => o.email },
    { header: "name", value: (o) => o.name },
    { header: "role", value: (o) => ROLE_WORDS[o.role] },
    { header: "tenant", value: (o) => (o.tenantId ? (names.get(o.tenantId) ?? o.tenantId) : "") },
    { header: "state", value: (o) => (o.disabled ? "disabled" : "enabled") },
    { header: "since", value: (o) => shortTime(o.createdAt) },
    { header: "id", value: (o) => o.id },
  ], "No operators.");
}

/** The tenant a role is in: --tenant, else the caller's own (a tenant admin's); none for an MSP admin. */
async function tenantFor(api: Api, role: Role, tenant: string | undefined, fallbackTenantId: string | null): Promise<string | undefined> {
  if (role === "MSP_ADMIN") {
    if (tenant !== undefined) throw new CliError("an MSP admin has no tenant: leave out --tenant");
    return undefined;
  }
  if (tenant !== undefined) return (await resolveTenant(api, tenant)).id;
  if (fallbackTenantId) return fallbackTenantId;
  throw new CliError(`a ${ROLE_WORDS[role]} belongs to a tenant: add --tenant TENANT`);
}

interface InviteOptions {
  name: string;
  role: string;
  tenant?: string;
}

async function invite(ctx: CommandContext, email: string, options: InviteOptions): Promise<void> {
  const api = ctx.api();
  const role = parseRole(options.role);
  const me = await api.auth.me.query();
  const tenantId = await tenantFor(api, role, options.tenant, me?.tenantId ?? null);
  const invited = await api.operators.invite.mutate({ email, name: options.name, role, ...(tenantId ? { tenantId } : {}) });
  const what = roleText(invited.role, invited.tenantName);
  if (!invited.mailed) {
    throw new CliError(`the invitation to ${invited.email} (${what}) is recorded, but the mail server did not take the mail: check the control plane's SMTP_URL, then \`gatehouse operators revoke-invite ${invited.id}\` and invite again`);
  }
  ctx.out.result(invited, `Invitation mailed to ${invited.email} (${what}): the link works once, until ${shortTime(invited.expiresAt)}.`);
}

async function listInvites(ctx: CommandContext): Promise<void> {
  const invites = await allInvites(ctx.api());
  ctx.out.table(invites, [
    { header: "email", value: (i: InviteRow) => i.email },
    { header: "role", value: (i) => roleText(i.role, i.tenantName) },
    { header: "status", value: (i) => i.status },
    { header: "link works until", value: (i) => shortTime(i.expiresAt) },
    { header: "id", value: (i) => i.id },
  ], "No invitations.");
}

async function revokeInvite(ctx: CommandContext, inviteId: string): Promise<void> {
  const revoked = await ctx.api().operators.revokeInvite.mutate({ inviteId });
  ctx.out.result(revoked, `Invitation to ${revoked.email} revoked: its link no longer works.`);
}

async function setDisabled(ctx: CommandContext, key: string, disabled: boolean): Promise<void> {
  const api = ctx.api();
  const target = await resolveOperator(api, key);
  const changed = await api.operators.setDisabled.mutate({ operatorId: target.id, disabled });
  ctx.out.result(changed, disabled ? `${changed.email} disabled: their sessions ended and their API tokens stop working.` : `${changed.email} enabled.`);
}

async function setRole(ctx: CommandContext, key: string, roleName: string, options: { tenant?: string }): Promise<void> {
  const api = ctx.api();
  const role = parseRole(roleName);
  const target = await resolveOperator(api, key);
  const tenantId = await tenantFor(api, role, options.tenant, target.tenantId);
  const changed = await api.operators.setRole.mutate({ operatorId: target.id, role, ...(tenantId ? { tenantId } : {}) });
  const names = tenantId ? await tenantNames(api) : new Map<string, string>();
  ctx.out.result(changed, `${changed.email} is now ${roleText(changed.role, changed.tenantId ? names.get(changed.tenantId) : null)}.`);
}

export function registerOperatorCommands(program: Command): void {
  const operators = program.command("operators").description("operators (people who manage the fleet): list, invite, disable, enable, role");
  operators.command("list").description("list the operators you can see").action(withContext(listOperators));
  operators
    .command("invite <email>")
    .description("mail EMAIL a single-use link (72 hours) to become an operator and choose their own password")
    .requiredOption("--name <name>", "the person's name")
    .requiredOption("--role <role>", "msp-admin, tenant-admin or viewer")
    .option("--tenant <tenant>", "the tenant of a tenant admin or viewer (default: your own)")
    .addHelpText("after", "\nExample:\n  gatehouse operators invite nadia@acme.example --name Nadia --role tenant-admin --tenant Acme")
    .action(withContext(invite));
  operators.command("invites").description("list invitations and whether they are pending, accepted, expired or revoked").action(withContext(listInvites));
  operators.command("revoke-invite <id>").description("make an invitation's link stop working").action(withContext(revokeInvite));
  operators.command("disable <operator>").description("disable an operator (by e-mail or id): sessions end, API tokens stop working").action(withContext((ctx, key: string) => setDisabled(ctx, key, true)));
  operators.command("enable <operator>").description("enable a disabled operator again").action(withContext((ctx, key: string) => setDisabled(ctx, key, false)));
  operators
    .command("role <operator> <role>")
    .description("give an operator another role: msp-admin, tenant-admin or viewer")
    .option("--tenant <tenant>", "the tenant (default: the operator's current one)")
    .action(withContext(setRole));
}
