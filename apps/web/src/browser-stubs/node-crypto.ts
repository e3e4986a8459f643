// @gatehouse/core is imported for its service catalogue; its hashing code (desired-state
// hashes, rule tags) imports node:crypto but never runs in the console. This stands in for it
// so the bundle says so plainly instead of carrying Vite's generic "externalized" shim.
export function createHash(): never {
  throw new Error("node:crypto is not available in the web console");
}
