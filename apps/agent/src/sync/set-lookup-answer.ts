// The agent's answer to the hub's `set-lookup`: the kernel's verdict for every source group of
// the enforced firewall. A failure is an answer too (with `error`), so the operator learns why
// instead of waiting out the hub's timeout.
import { SET_LOOKUP_VERSION, type SetLookupAnswer, type SetLookupRequest } from "@gatehouse/protocol";
import type { Enforcer } from "./enforcer.ts";

export async function answerSetLookup(request: SetLookupRequest, enforcer: Enforcer): Promise<SetLookupAnswer> {
  const base = { type: "set-lookup-answer", version: SET_LOOKUP_VERSION, requestId: request.requestId, backend: enforcer.backendName } as const;
  const lookup = enforcer.lookup;
  if (lookup === null) return { ...base, groups: [], error: `the ${enforcer.backendName} backend has no kernel sets to look in` };
  if (enforcer.enforced === null) return { ...base, groups: [], error: "this agent enforces nothing yet" };
  try {
    return { ...base, groups: await lookup(request.address, enforcer.groups) };
  } catch (error) {
    return { ...base, groups: [], error: (error as Error).message.slice(0, 500) };
  }
}
