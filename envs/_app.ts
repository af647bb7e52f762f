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

/**
 * The Fargate post's 2048 game, pinned by digest (workloads.sample2048Image). Tag:
 * docker.io/alexwhen/docker-2048:latest, the post's image (AWS's public.ecr.aws/l6m2t8p7/docker-2048
 * is a copy of it): alpine nginx with the game in /usr/share/nginx/html. The digest is the one
 * public records of Docker Hub's answer for that tag show (`docker rmi` output, pinned
 * deployments); check it before a first deploy: `crane digest docker.io/alexwhen/docker-2048:latest`.
 */
export const sample2048Image = "docker.io/alexwhen/docker-2048@sha256:4913452e5bd092db9c8b005523127b8f62821867021e23a9acb1ae0f7d2432e1";

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
