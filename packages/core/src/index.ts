export * from "./model.ts";
export * from "./ivr/index.ts";
