// The tRPC context and the procedure builders every router uses (create-t3-turbo's layout).
// Authentication, roles and tenant isolation live here, in the builders, once. Each builder
// takes the procedure's input schema (a strict object: unknown keys are refused), and access
// is decided on what that schema parsed, never on the raw request:
//   publicProcedure(input)          anyone (sign-in)
//   selfProcedure(input)            any signed-in operator, acting on their own account
//   readProcedure(input, rule?)     signed in; every id in the input must be of the caller's
//                                   tenant (or fleet-readable); ctx.access.ownTenant() filters lists
//   writeProcedure(input, rule?)    as read, and not a viewer; a non-MSP-admin's change must stay
//                                   inside their tenant, and `rule.fleetLevel` marks fleet-wide acts
//   mspAdminProcedure(input)        MSP admins only
import type { IncomingMessage } from "node:http";
import { initTRPC, TRPCError } from "@trpc/server";
import type { z } from "zod";
import type { ControlPlaneApp } from "../app.ts";
import { actorLabel, authenticateBearer, type Actor } from "../auth/authenticate.ts";
import { clientAddress } from "../http/client-address.ts";
import { cookieAcceptable, knownDeviceSecret, presentedSecret } from "../http/credentials.ts";
import type { MutationContext } from "../services/mutation.ts";
import { checkAccess, type AccessMode } from "./access.ts";
import { describeError, toTRPCError } from "./errors.ts";
import type { StrictInput } from "./inputs.ts";

export interface ApiContext {
  app: ControlPlaneApp;
  actor: Actor | null;
  /** The client's address (X-Forwarded-For only from trusted proxies). */
  clientAddress: string;
  /** The known-device cookie's secret (sign-in lockouts), null when the browser sent none. */
  deviceSecret: string | null;
  /** Set-Cookie values for this response (sign-in, sign-out). */
  responseCookies: string[];
  /** Cookies get `Secure` when the public URL is https. */
  secureCookies: boolean;
}

export async function createApiContext(app: ControlPlaneApp, req: IncomingMessage): Promise<ApiContext> {
  const presented = presentedSecret(req.headers);
  const usable = presented !== null && (presented.from === "authorization" || cookieAcceptable(req.method, req.headers));
  const actor = usable ? await authenticateBearer(app.prisma, presented.secret, app.now()) : null;
  return {
    app,
    actor,
    clientAddress: clientAddress(req, app.isTrustedProxy),
    deviceSecret: knownDeviceSecret(req.headers),
    responseCookies: [],
    secureCookies: app.publicUrl().startsWith("https:"),
  };
}

const t = initTRPC.context<ApiContext>().create({
  errorFormatter({ shape, error }) {
    const described = describeError(error);
    const { stack: _stack, ...data } = shape.data;
    return { ...shape, message: described.message, data: { ...data, field: described.field, fieldErrors: described.fieldErrors } };
  },
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Maps application errors to tRPC codes (errors.ts) and counts every call. */
const observed = t.middleware(async ({ ctx, path, type, next }) => {
  const metrics = ctx.app.apiMetrics;
  const stop = metrics.duration.startTimer({ path, type });
  const result = await next();
  let code = "OK";
  if (!result.ok) {
    const mapped = toTRPCError(result.error.cause);
    code = (mapped ?? result.error).code;
    if (code === "INTERNAL_SERVER_ERROR") ctx.app.logger.error({ err: result.error.cause ?? result.error, path }, "procedure failed");
    stop();
    metrics.calls.inc({ path, type, code });
    if (mapped) throw mapped;
    return result;
  }
  stop();
  metrics.calls.inc({ path, type, code });
  return result;
});

const observedProcedure = t.procedure.use(observed);

const signedIn = t.middleware(({ ctx, next }) => {
  if (ctx.actor === null) throw new TRPCError({ code: "UNAUTHORIZED", message: "sign in first (or send an API token as Authorization: Bearer)" });
  const actor = ctx.actor;
  const mutation: MutationContext = { prisma: ctx.app.prisma, bus: ctx.app.bus, actor: actorLabel(actor), now: ctx.app.now };
  return next({ ctx: { actor, mutation } });
});

/** Each operator's calls run a few at a time, before their input is parsed (operator-concurrency.ts). */
const limitedPerOperator = t.middleware(({ ctx, next }) => (ctx.actor === null ? next() : ctx.app.operatorCalls.run(ctx.actor.operatorId, () => next())));

const signedInProcedure = observedProcedure.use(signedIn).use(limitedPerOperator);

/** What a procedure says about its own input beyond the ids it names. */
export interface AccessRule<TInput> {
  /** True when this call acts on the whole fleet, whatever else it names: MSP admins only. */
  fleetLevel?: (input: TInput) => boolean;
}

/** Decides access on the PARSED input: what the procedure will act on, nothing else. */
function tenantAccess<TInput>(mode: AccessMode, rule: AccessRule<TInput>) {
  return t.middleware(async ({ ctx, next, input }) => {
    if (ctx.actor === null) throw new TRPCError({ code: "UNAUTHORIZED", message: "sign in first" });
    const fleetLevel = rule.fleetLevel?.(input as TInput) ?? false;
    const access = await checkAccess(ctx.app.prisma, ctx.actor, input, { mode, fleetLevel });
    return next({ ctx: { access } });
  });
}

const mspAdminOnly = t.middleware(({ ctx, next }) => {
  if (ctx.actor?.role !== "MSP_ADMIN") throw new TRPCError({ code: "FORBIDDEN", message: "only an MSP admin can do this" });
  return next();
});

// Every builder takes the procedure's input schema, so that no procedure exists without one
// (an input with unknown keys is refused, never ignored) and access runs after parsing.
export const publicProcedure = <S extends StrictInput>(input: S) => observedProcedure.input(input);
export const selfProcedure = <S extends StrictInput>(input: S) => signedInProcedure.input(input);
export const readProcedure = <S extends StrictInput>(input: S, rule: AccessRule<z.output<S>> = {}) =>
  signedInProcedure.input(input).use(tenantAccess("read", rule));
export const writeProcedure = <S extends StrictInput>(input: S, rule: AccessRule<z.output<S>> = {}) =>
  signedInProcedure.input(input).use(tenantAccess("write", rule));
/**
 * The role is checked BEFORE the input's ids are resolved, so a tenant admin learns nothing about
 * which ids exist; tenantAccess then only gives the procedure its ctx.access (its fleet-level
 * check cannot fail here).
 */
export const mspAdminProcedure = <S extends StrictInput>(input: S) =>
  signedInProcedure.input(input).use(mspAdminOnly).use(tenantAccess("write", { fleetLevel: () => true }));
