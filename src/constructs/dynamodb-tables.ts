import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Construct } from "constructs";
import { tableId } from "../lib/addressing";
import type { Statement } from "../lib/iam";

/** The actions the first blog post's app performs on its tables. */
const APP_TABLE_ACTIONS = [
  "dynamodb:BatchGetItem",
  "dynamodb:BatchWriteItem",
  "dynamodb:ConditionCheckItem",
  "dynamodb:DeleteItem",
  "dynamodb:DescribeTable",
  "dynamodb:GetItem",
  "dynamodb:PutItem",
  "dynamodb:Query",
  "dynamodb:Scan",
  "dynamodb:UpdateItem",
];

/**
 * What the app's identity may do: its actions on exactly the tables and their indexes, and the
 * table key, only through DynamoDB in this region (`kms:ViaService`): a table encrypted with a
 * customer-managed key is unreadable without kms:Decrypt on it.
 *
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.usagenotes.html
 */
export function appTableStatements(tables: Pick<DynamodbTables, "accessArns" | "key">, region: string): Statement[] {
  if (!tables.key || tables.accessArns.length === 0) return [];
  return [
    { Sid: "AppTables", Effect: "Allow", Action: APP_TABLE_ACTIONS, Resource: [...tables.accessArns] },
    {
      Sid: "AppTablesKeyThroughDynamoDB",
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
      Resource: tables.key.arn,
      Condition: { StringEquals: { "kms:ViaService": `dynamodb.${region}.amazonaws.com` } },
    },
  ];
}

/** A key attribute of a table or index. */
export interface TableKey {
  /** Attribute name. */
  readonly name: string;
  /** "S" (string), "N" (number) or "B" (binary). */
  readonly type: "S" | "N" | "B";
}

/** How a table is billed: on demand, or by provisioned capacity units. */
export type TableBillingMode = "PAY_PER_REQUEST" | "PROVISIONED";

/** A global secondary index of a table. */
export interface TableIndexOptions {
  /** Partition key of the index. */
  readonly hashKey: TableKey;
  /** Sort key of the index. @default - none */
  readonly rangeKey?: TableKey;
  /** Attributes projected into the index. */
  readonly projection: "ALL" | "KEYS_ONLY" | "INCLUDE";
  /** Attributes copied into an INCLUDE index. @default - none */
  readonly nonKeyAttributes?: readonly string[];
  /** Read capacity units, with PROVISIONED billing only. @default - none */
  readonly readCapacity?: number;
  /** Write capacity units, with PROVISIONED billing only. @default - none */
  readonly writeCapacity?: number;
}

/** One application table. */
export interface TableOptions {
  /** Partition key. */
  readonly hashKey: TableKey;
  /** Sort key. @default - none */
  readonly rangeKey?: TableKey;
  /** On-demand or provisioned capacity. */
  readonly billingMode: TableBillingMode;
  /** Read capacity units, with PROVISIONED billing only. @default - none */
  readonly readCapacity?: number;
  /** Write capacity units, with PROVISIONED billing only. @default - none */
  readonly writeCapacity?: number;
  /** Global secondary indexes by name. */
  readonly globalSecondaryIndexes: Readonly<Record<string, TableIndexOptions>>;
  /** Point-in-time recovery. */
  readonly pointInTimeRecovery: boolean;
  /** Deletion protection. */
  readonly deletionProtection: boolean;
}

/** Props of {@link DynamodbTables}. */
export interface DynamodbTablesProps {
  /** Table name prefix: `<project>-<env>`; tables are `<prefix>-<name>`. */
  readonly namePrefix: string;
  /** Tables by name. */
  readonly tables: Readonly<Record<string, TableOptions>>;
}

/**
 * Defines the application's DynamoDB tables (the first blog post's `dynamodb-tables` module):
 * hash/range keys, global secondary indexes with their projections, on-demand or provisioned
 * capacity, point-in-time recovery, deletion protection and encryption with a customer-managed key.
 */
export class DynamodbTables extends Construct {
  readonly tables: Record<string, DynamodbTable> = {};
  /** The table ARNs and the ARN of every index: exactly what the app's IAM policy may touch. */
  readonly accessArns: string[] = [];
  readonly key?: KmsKey;

  constructor(scope: Construct, id: string, props: DynamodbTablesProps) {
    super(scope, id);
    if (Object.keys(props.tables).length === 0) return;

    this.key = new KmsKey(this, "key", {
      description: `Encrypts the application tables of ${props.namePrefix}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
    });
    new KmsAlias(this, "key_alias", { name: `alias/${props.namePrefix}-tables`, targetKeyId: this.key.keyId });

    for (const [name, t] of Object.entries(props.tables)) {
      const provisioned = t.billingMode === "PROVISIONED";
      const indexes = t.globalSecondaryIndexes;
      const attributes = new Map<string, string>();
      const keys = [t.hashKey, t.rangeKey, ...Object.values(indexes).flatMap((g) => [g.hashKey, g.rangeKey])];
      for (const k of keys) if (k) attributes.set(k.name, k.type);
      const table = new DynamodbTable(this, tableId(name), {
        name: `${props.namePrefix}-${name}`,
        billingMode: t.billingMode,
        readCapacity: provisioned ? t.readCapacity : undefined,
        writeCapacity: provisioned ? t.writeCapacity : undefined,
        hashKey: t.hashKey.name,
        rangeKey: t.rangeKey?.name,
        attribute: [...attributes].sort(([a], [b]) => a.localeCompare(b)).map(([attrName, type]) => ({ name: attrName, type })),
        globalSecondaryIndex: Object.entries(indexes).map(([indexName, g]) => ({
          name: indexName,
          hashKey: g.hashKey.name,
          rangeKey: g.rangeKey?.name,
          projectionType: g.projection,
          nonKeyAttributes: g.nonKeyAttributes && [...g.nonKeyAttributes],
          readCapacity: provisioned ? g.readCapacity : undefined,
          writeCapacity: provisioned ? g.writeCapacity : undefined,
        })),
        pointInTimeRecovery: { enabled: t.pointInTimeRecovery },
        serverSideEncryption: { enabled: true, kmsKeyArn: this.key.arn },
        deletionProtectionEnabled: t.deletionProtection,
      });
      this.tables[name] = table;
      this.accessArns.push(table.arn, ...Object.keys(indexes).map((indexName) => `${table.arn}/index/${indexName}`));
    }
  }
}
