// The control plane the CLI talks to in its tests: the testing kit's, with the production
// extensions, the admin the docs sign in as, documentation addresses allowed for travelers'
// grants, and the wall clock (the CLI and the agents it enrolls read real time). The admin
// signs in only when a test uses it, so the sessions a test sees are the CLI's own.
import { PRODUCTION_EXTENSIONS } from "@gatehouse/control-plane/server";
import { ADMIN_PASSWORD, startUnderTest, TestClock, type PlaneUnderTest } from "@gatehouse/control-plane/testing";

export { ADMIN_PASSWORD, type PlaneUnderTest };
export const ADMIN_EMAIL = "admin@example.net";

export function startTestControlPlane(): Promise<PlaneUnderTest> {
  return startUnderTest(undefined, {
    extensions: PRODUCTION_EXTENSIONS,
    env: { ALLOW_DOCUMENTATION_ADDRESSES: "true" },
    mspAdmin: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
    signInAdmin: false,
    clock: TestClock.wall(),
  });
}
