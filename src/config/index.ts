export * from "./schema";
export * from "./resolve";
export * from "./validate";
export * from "./load";
export * from "./vpc-overlaps";
export type { ConfigIssue } from "./rules";
export * from "./ci";
export * from "./opt-outs";
