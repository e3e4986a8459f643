export * from "./prompts.ts";
export * from "./types.ts";
export * from "./dialed-address.ts";
export * from "./grant-address.ts";
export * from "./expiry-speech.ts";
export * from "./caller-id.ts";
export { advanceIvr, newIvrCall } from "./machine.ts";
