// The kit as vitest fixtures: `database`, a fresh migrated test database, and `plane`, a control
// plane under test on its own database; each is set up for the test that names it and taken
// down after it. A describe block picks the plane's options with
// planeTest.override("planeOptions", { ... }).
import { test } from "vitest";
import { createTestDatabase } from "@gatehouse/testkit/database";
import { startUnderTest, type StartUnderTestOptions } from "./plane.ts";

export const planeTest = test
  .extend<"planeOptions", StartUnderTestOptions>("planeOptions", {})
  // eslint-disable-next-line no-empty-pattern -- vitest reads the fixtures a fixture uses from this pattern
  .extend("database", async ({}, { onCleanup }) => {
    const database = await createTestDatabase();
    onCleanup(() => database.drop());
    return database;
  })
  .extend("plane", async ({ planeOptions }, { onCleanup }) => {
    const plane = await startUnderTest(undefined, planeOptions);
    onCleanup(() => plane.stop());
    return plane;
  });
