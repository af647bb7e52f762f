/**
 * The environment configuration schema: the single source of truth for what `envs/*.ts` may say.
 *
 * Every object is strict (an unknown key is an error, usually a typo). Field-level rules live here;
 * rules that span fields or check derived AWS names live in `./rules.ts`. Messages are written to
 * follow the field path: `env "dev": region must be an AWS region name like eu-west-1 (got "EU")`.
 *
 * No `cdktf` import here: scripts and tests use the config without loading the CDKTF runtime.
 */
import { z } from "zod";

/** `dev`, `qa`, `prod2`: lowercase, it becomes part of stack ids, file names and AWS names. */
export const ENV_NAME_PATTERN = /^[a-z][a-z0-9]{1,15}$/;
/** Letters, digits and inner hyphens; the AWS-specific limits are checked on the derived names. */
export const PROJECT_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;
/** Commercial, GovCloud, China and ISO regions: `eu-west-1`, `us-gov-west-1`, `cn-north-1`. */
export const REGION_PATTERN = /^[a-z]{2}(?:-gov|-iso[a-z]?)?-(?:central|(?:north|south)(?:east|west)?|east|west)-[1-9]$/;
export const ACCOUNT_ID_PATTERN = /^\d{12}$/;
/** An IAM role ARN in any partition, with an optional path. */
export const ROLE_ARN_PATTERN = /^arn:aws(?:-cn|-us-gov|-iso[a-z]?)?:iam::\d{12}:role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

/** Tag keys the project sets itself on every resource through the provider's `default_tags`. */
export const RESERVED_TAG_KEYS = ["Project", "Environment", "ManagedBy"] as const;

const roleArn = z.string().regex(ROLE_ARN_PATTERN, {
  error: "must be an IAM role ARN like arn:aws:iam::123456789012:role/deployer",
});

export const AssumeRoleSchema = z.strictObject({
  /** Role the AWS provider (and the S3 backend) assume in the environment's account. */
  roleArn,
  /** External id the role's trust policy requires. @default - none */
  externalId: z
    .string()
    .regex(/^[\w+=,.@:/-]{2,1224}$/, { error: "must be 2-1224 characters of letters, digits and +=,.@:/-" })
    .optional(),
  /** Session name shown in CloudTrail. @default "<project>-<env>-cdktf" */
  sessionName: z
    .string()
    .regex(/^[\w+=,.@-]{2,64}$/, { error: "must be 2-64 characters of letters, digits and +=,.@-" })
    .optional(),
});

export const BackendSchema = z.strictObject({
  /**
   * Name of the state bucket, when the derived `<project>-<env>-tfstate` is taken (bucket names are
   * global). @default "<project>-<env>-tfstate"
   */
  bucketName: z.string().optional(),
  /** Name of the DynamoDB lock table. @default "<project>-<env>-tflock" */
  lockTableName: z.string().optional(),
  /**
   * Lock state with the DynamoDB table (`dynamodb_table`). Terraform 1.11 deprecates it in favour of
   * `useLockfile`, but it is what the blog posts use and it works with every Terraform version.
   * @default true
   */
  dynamodbLock: z.boolean().default(true),
  /** Lock state with S3-native lock files (`use_lockfile`, Terraform >= 1.10). @default false */
  useLockfile: z.boolean().default(false),
  /** Days a replaced (noncurrent) state version is kept before it expires. @default 90 */
  noncurrentVersionExpirationDays: z
    .number()
    .int({ error: "must be a whole number of days" })
    .min(1, { error: "must be at least 1 day" })
    .max(3650, { error: "must be at most 3650 days" })
    .default(90),
  /** Noncurrent state versions always kept, whatever their age. @default 10 */
  noncurrentVersionsToKeep: z
    .number()
    .int({ error: "must be a whole number" })
    .min(0, { error: "must be 0-100" })
    .max(100, { error: "must be 0-100" })
    .default(10),
  /**
   * Where the `<env>-backend` stack keeps its own state. `local` (a git-ignored file under
   * `terraform-state/`) until the bucket exists; set `s3` and run `npm run backend:migrate -- <env>`
   * to move it into the bucket it created. @default "local"
   */
  backendStackState: z.enum(["local", "s3"], { error: 'must be "local" or "s3"' }).default("local"),
});

export const EnvSchema = z.strictObject({
  /** Environment name: `dev`, `qa`, `prod`. Part of every stack id and AWS name. */
  name: z.string().regex(ENV_NAME_PATTERN, {
    error: "must be 2-16 lowercase letters and digits, starting with a letter",
  }),
  /** Project prefix of every AWS name (`<project>-<env>-...`). */
  project: z.string().min(2, { error: "must be at least 2 characters" }).regex(PROJECT_PATTERN, {
    error: "must be letters, digits and inner hyphens",
  }),
  /** AWS region of every resource of the environment. */
  region: z.string().regex(REGION_PATTERN, { error: "must be an AWS region name like eu-west-1" }),
  /**
   * The AWS account the environment lives in. Becomes the provider's `allowed_account_ids`, so a dev
   * config can never be applied to the prod account. @default - any account the credentials reach
   */
  accountId: z.string().regex(ACCOUNT_ID_PATTERN, { error: "must be exactly 12 digits" }).optional(),
  /** Role to assume for this environment (multi-account setups). @default - the caller's credentials */
  assumeRole: AssumeRoleSchema.optional(),
  /**
   * Availability zones, listed explicitly (no AWS lookup at plan time). At least two: EKS requires
   * subnets in two zones.
   */
  availabilityZones: z.array(z.string()),
  /** Cost-allocation tags added to every resource next to Project, Environment and ManagedBy. @default {} */
  tags: z.record(z.string(), z.string()).default({}),
  /** The environment's Terraform state backend. @default - all defaults of `BackendSchema` */
  backend: BackendSchema.prefault({}),
});

/** What an `envs/<name>.ts` file writes (defaults optional). */
export type EnvInput = z.input<typeof EnvSchema>;
/** A validated environment with every default applied. */
export type EnvConfig = z.output<typeof EnvSchema>;
