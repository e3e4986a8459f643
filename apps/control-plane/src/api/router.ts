// The whole tRPC API. Each domain has its router in ./routers/<domain>.ts built from the
// procedure builders in ./trpc.ts; add a domain by importing its router and naming it here.
// Clients import only the TYPE (package export "@gatehouse/control-plane/router").
import { alertsRouter } from "./routers/alerts.ts";
import { apiTokensRouter } from "./routers/api-tokens.ts";
import { auditRouter } from "./routers/audit.ts";
import { authRouter } from "./routers/auth.ts";
import { customServicesRouter } from "./routers/custom-services.ts";
import { entriesRouter } from "./routers/entries.ts";
import { fleetRouter } from "./routers/fleet.ts";
import { geoRouter } from "./routers/geo.ts";
import { knocksRouter } from "./routers/knocks.ts";
import { operatorsRouter } from "./routers/operators.ts";
import { presetsRouter } from "./routers/presets.ts";
import { rulesetsRouter } from "./routers/rulesets.ts";
import { serversRouter } from "./routers/servers.ts";
import { servicesRouter } from "./routers/services.ts";
import { tenantsRouter } from "./routers/tenants.ts";
import { travelersRouter } from "./routers/travelers.ts";
import { createCallerFactory, createTRPCRouter } from "./trpc.ts";

export const appRouter = createTRPCRouter({
  auth: authRouter,
  apiTokens: apiTokensRouter,
  tenants: tenantsRouter,
  operators: operatorsRouter,
  servers: serversRouter,
  entries: entriesRouter,
  customServices: customServicesRouter,
  services: servicesRouter,
  presets: presetsRouter,
  rulesets: rulesetsRouter,
  audit: auditRouter,
  travelers: travelersRouter,
  fleet: fleetRouter,
  knocks: knocksRouter,
  geo: geoRouter,
  alerts: alertsRouter,
});

export type AppRouter = typeof appRouter;

/** In-process calls (tests, scripts): `createCaller(context)`. */
export const createCaller = createCallerFactory(appRouter);
