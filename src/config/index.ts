export * from "./schema";
export * from "./validate";
export * from "./load";
export type { ConfigIssue } from "./rules";
