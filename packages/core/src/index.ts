export * from "./model.ts";
export * from "./ivr/index.ts";
export * from "./compile/index.ts";
export * from "./provider-presets.ts";
