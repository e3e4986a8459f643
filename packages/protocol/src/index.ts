export * from "./version.ts";
export * from "./desired-state-schema.ts";
export * from "./agent-messages.ts";
export * from "./hub-messages.ts";
export * from "./enroll.ts";
export * from "./set-lookup.ts";
export * from "./country-networks.ts";
export * from "./parse.ts";
