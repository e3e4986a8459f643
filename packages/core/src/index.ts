export * from "./model.ts";
export * from "./ivr/index.ts";
export * from "./compile/index.ts";
