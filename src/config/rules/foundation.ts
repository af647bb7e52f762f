/**
 * Rules of the foundation: state backend names, locking, zones and tags.
 */
import { dynamodbTableNameProblem, kmsAliasProblem, s3BucketNameProblem } from "../../lib/aws-limits";
import { lockTableName, stateBucketName, stateKeyAlias } from "../../lib/naming";
import { RESERVED_TAG_KEYS, type ParsedEnv } from "../schema";
import type { ConfigIssue, EnvRule } from "./types";

/** The path and value to blame for a derived name: the override when given, else the project. */
function derivedFrom(env: ParsedEnv, overridePath: readonly (string | number)[], override: string | undefined) {
  return override !== undefined ? { path: overridePath, value: override } : { path: ["project"], value: env.project };
}

export const FOUNDATION_RULES: readonly EnvRule[] = [
  {
    needs: ["project", "name", "backend"],
    check: (env) => {
      const issues: ConfigIssue[] = [];
      const bucket = stateBucketName(env);
      const bucketProblem = s3BucketNameProblem(bucket);
      if (bucketProblem) {
        issues.push({
          ...derivedFrom(env, ["backend", "bucketName"], env.backend.bucketName),
          message: `makes the state bucket name "${bucket}" invalid: ${bucketProblem}`,
        });
      }
      const table = lockTableName(env);
      const tableProblem = dynamodbTableNameProblem(table);
      if (tableProblem) {
        issues.push({
          ...derivedFrom(env, ["backend", "lockTableName"], env.backend.lockTableName),
          message: `makes the lock table name "${table}" invalid: ${tableProblem}`,
        });
      }
      const alias = stateKeyAlias(env);
      const aliasProblem = kmsAliasProblem(alias);
      if (aliasProblem) {
        issues.push({ path: ["project"], value: env.project, message: `makes the state key alias "${alias}" invalid: ${aliasProblem}` });
      }
      return issues;
    },
  },
  {
    needs: ["backend"],
    check: (env) =>
      !env.backend.dynamodbLock && !env.backend.useLockfile
        ? [
            {
              path: ["backend", "dynamodbLock"],
              value: false,
              message: "and backend.useLockfile are both false, which leaves the state unlocked: enable at least one",
            },
          ]
        : [],
  },
  {
    needs: ["ephemeral", "backend", "tables"],
    check: (env) => {
      if (!env.ephemeral) return [];
      const issues: ConfigIssue[] = [];
      if (env.backend.backendStackState !== "local") {
        issues.push({
          path: ["backend", "backendStackState"],
          value: env.backend.backendStackState,
          message:
            'must be "local" in an ephemeral environment: its backend stack is destroyed last and cannot keep its state in the bucket it deletes',
        });
      }
      for (const [name, t] of Object.entries(env.tables)) {
        if (t.deletionProtection === true) {
          issues.push({
            path: ["tables", name, "deletionProtection"],
            value: true,
            message:
              "must not be true in an ephemeral environment (cdktf destroy could not delete the table); remove it or set ephemeral: false",
          });
        }
      }
      return issues;
    },
  },
  {
    needs: ["region", "availabilityZones"],
    check: (env) => {
      const issues: ConfigIssue[] = [];
      if (env.availabilityZones.length < 2) {
        issues.push({
          path: ["availabilityZones"],
          value: env.availabilityZones,
          message: "must list at least two zones: EKS needs subnets in two availability zones",
        });
      }
      const seen = new Set<string>();
      env.availabilityZones.forEach((az, i) => {
        if (!new RegExp(`^${env.region}[a-z]$`).test(az)) {
          issues.push({ path: ["availabilityZones", i], value: az, message: `must be a zone of ${env.region}, like ${env.region}a` });
        } else if (seen.has(az)) {
          issues.push({ path: ["availabilityZones", i], value: az, message: "is listed twice" });
        }
        seen.add(az);
      });
      return issues;
    },
  },
  {
    needs: ["tags"],
    check: (env) => {
      const issues: ConfigIssue[] = [];
      for (const [key, value] of Object.entries(env.tags)) {
        if ((RESERVED_TAG_KEYS as readonly string[]).includes(key)) {
          issues.push({ path: ["tags", key], value, message: "is set by the project on every resource; remove it" });
        } else if (key.length < 1 || key.length > 128 || /^aws:/i.test(key) || !/^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u.test(key)) {
          issues.push({
            path: ["tags", key],
            value,
            message: "has an invalid key: tag keys are 1-128 letters, digits, spaces and _.:/=+-@, not starting with aws:",
          });
        } else if (value.length > 256 || !/^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u.test(value)) {
          issues.push({ path: ["tags", key], value, message: "must be at most 256 letters, digits, spaces and _.:/=+-@" });
        }
      }
      return issues;
    },
  },
];
