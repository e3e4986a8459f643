// The control plane's testing kit, package export "@gatehouse/control-plane/testing": a real
// control plane on a fresh test database and its clients, the test clock, the seeders, the
// agent hub's test client, and the plane as `pnpm start` runs it. Test code only: nothing in
// src/ imports it (it uses dev dependencies such as @trpc/client and smtp-server).
export { apiClient, errorOf, signedInClient, type Api } from "./clients.ts";
export { TestClock } from "./clock.ts";
export { revisions, seedFleet, type Fleet } from "./fleet.ts";
export { ADMIN_EMAIL, ADMIN_PASSWORD, startUnderTest, testEnv, type PlaneUnderTest, type StartUnderTestOptions } from "./plane.ts";
export { seedServer, startHubUnderTest, type HubUnderTest, type SeededServer } from "./hub.ts";
export { TestAgentClient } from "./agent-client.ts";
export { call, OPERATOR_PASSWORD, seedTenantThings, type Things } from "./tenant-things.ts";
export { silentLogger, travelersFixture, type TravelersFixture } from "./travelers.ts";
export { startTestSmtpServer, parseMail, type ReceivedMail, type TestSmtpServer } from "./smtp-server.ts";
export { spawnControlPlane, type ControlPlaneProcess } from "./process.ts";
export { planeTest } from "./fixtures.ts";
export { startWebhookReceiver, type WebhookReceiver } from "./webhook-receiver.ts";
// A plane's own geo database for a test (GEO_DATABASE_DIR), for suites outside this package.
export { writeSyntheticGeoDatabase } from "@gatehouse/geo/testing";
