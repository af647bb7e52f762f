import { describe, expect, it } from "vitest";
import type { TableConfig } from "../../src/config";
import { TableSchema } from "../../src/config/schema";
import { DynamodbTables } from "../../src/constructs/dynamodb-tables";
import { fixtureTables } from "../fixtures/envs/_app";
import { resourcesOf, synthConstruct } from "../helpers/synth";

const parse = (tables: Record<string, unknown>): Record<string, TableConfig> =>
  Object.fromEntries(Object.entries(tables).map(([k, v]) => [k, { deletionProtection: true, ...TableSchema.parse(v) }]));

describe("DynamodbTables", () => {
  it("defines provisioned tables with their keys, a sort key and an INCLUDE index", () => {
    let construct!: DynamodbTables;
    const json = synthConstruct(
      (s) =>
        (construct = new DynamodbTables(s, "tables", { namePrefix: "fixture-bravo", tables: parse(fixtureTables({ read: 5, write: 5 })) })),
    );
    const tables = resourcesOf(json, "aws_dynamodb_table");
    expect(
      Object.values(tables)
        .map((t) => t.name)
        .sort(),
    ).toEqual(["fixture-bravo-carts", "fixture-bravo-customers", "fixture-bravo-orders"]);
    expect(tables.tables_carts).toMatchObject({
      hash_key: "token",
      attribute: [{ name: "token", type: "S" }],
      billing_mode: "PROVISIONED",
      read_capacity: 5,
      write_capacity: 5,
    });
    expect(tables.tables_orders).toMatchObject({
      hash_key: "oid",
      range_key: "cid",
      attribute: [
        { name: "cid", type: "S" },
        { name: "oid", type: "S" },
      ],
      global_secondary_index: [
        {
          name: "ByCustomer",
          hash_key: "cid",
          range_key: "oid",
          projection_type: "INCLUDE",
          non_key_attributes: ["total", "status"],
          read_capacity: 5,
          write_capacity: 5,
        },
      ],
    });
    expect(construct.accessArns).toHaveLength(4);
    expect(construct.accessArns.at(-1)).toMatch(/\/index\/ByCustomer$/);
  });

  it("protects, recovers and encrypts every table with the customer key", () => {
    const json = synthConstruct((s) => new DynamodbTables(s, "tables", { namePrefix: "fixture-alpha", tables: parse(fixtureTables()) }));
    for (const table of Object.values(resourcesOf(json, "aws_dynamodb_table"))) {
      expect(table).toMatchObject({
        billing_mode: "PAY_PER_REQUEST",
        point_in_time_recovery: { enabled: true },
        server_side_encryption: { enabled: true, kms_key_arn: "${aws_kms_key.tables_key.arn}" },
        deletion_protection_enabled: true,
      });
      expect(table).not.toHaveProperty("read_capacity");
    }
  });

  it("builds each table as its config says: recovery and protection off (an ephemeral environment), a KEYS_ONLY index", () => {
    const tables = parse({
      t: {
        hashKey: { name: "id", type: "S" },
        pointInTimeRecovery: false,
        globalSecondaryIndexes: { byg: { hashKey: { name: "g", type: "S" }, projection: "KEYS_ONLY" } },
      },
    });
    const json = synthConstruct(
      (s) => new DynamodbTables(s, "tables", { namePrefix: "fixture-alpha", tables: { t: { ...tables.t, deletionProtection: false } } }),
    );
    expect(resourcesOf(json, "aws_dynamodb_table").tables_t).toMatchObject({
      point_in_time_recovery: { enabled: false },
      deletion_protection_enabled: false,
      global_secondary_index: [{ name: "byg", hash_key: "g", projection_type: "KEYS_ONLY" }],
    });
  });
});
