/**
 * What the first blog post's application needs in every environment: its container images and its
 * DynamoDB tables. Shared by the environment files (files starting with "_" are not environments).
 */
import type { EnvInput } from "../src/config";

type Tables = NonNullable<EnvInput["tables"]>;

export const appImages = [
  "karimarttila/debian-openjdk11",
  "karimarttila/simple-server-clojure-single-node",
  "karimarttila/simple-server-clojure-dynamodb",
];

/** The post's four tables; `capacity` makes them PROVISIONED (the post used 5/5). */
export function appTables(capacity?: { read: number; write: number }): Tables {
  const billing = capacity
    ? { billingMode: "PROVISIONED" as const, readCapacity: capacity.read, writeCapacity: capacity.write }
    : { billingMode: "PAY_PER_REQUEST" as const };
  const indexCapacity = capacity ? { readCapacity: capacity.read, writeCapacity: capacity.write } : {};
  return {
    session: { hashKey: { name: "token", type: "S" }, ...billing },
    users: { hashKey: { name: "email", type: "S" }, ...billing },
    "product-group": { hashKey: { name: "pgid", type: "S" }, ...billing },
    product: {
      hashKey: { name: "pid", type: "S" },
      rangeKey: { name: "pgid", type: "S" },
      ...billing,
      globalSecondaryIndexes: {
        PGIndex: {
          hashKey: { name: "pgid", type: "S" },
          rangeKey: { name: "pid", type: "S" },
          projection: "INCLUDE",
          nonKeyAttributes: ["price", "title"],
          ...indexCapacity,
        },
      },
    },
  };
}
