// A control plane for the browser tests on an EMPTY database (no tenant, no server): what a new
// MSP meets the first time it opens the console. As consolePlane.ts otherwise: the production
// extensions, the built console, the wall clock.
import { PRODUCTION_EXTENSIONS } from "@gatehouse/control-plane/server";
import { startUnderTest, TestClock, type Api } from "@gatehouse/control-plane/testing";
import { MSP_ADMIN } from "./consolePlane.ts";
import { distDir } from "./webBuild.ts";

export interface EmptyConsoleUnderTest {
  url: string;
  /** Signed in as the MSP admin, to check what the browser did (and to add operators). */
  admin: Api;
  signIn(email: string, password: string): Promise<Api>;
  stop(): Promise<void>;
}

export async function startEmptyConsoleUnderTest(): Promise<EmptyConsoleUnderTest> {
  const test = await startUnderTest(undefined, {
    extensions: PRODUCTION_EXTENSIONS,
    env: { ALLOW_DOCUMENTATION_ADDRESSES: "true" },
    mspAdmin: MSP_ADMIN,
    signInAdmin: false,
    webDistDir: distDir,
    clock: TestClock.wall(),
  });
  return { url: test.plane.url, admin: test.admin, signIn: (email, password) => test.signIn(email, password), stop: () => test.stop() };
}
