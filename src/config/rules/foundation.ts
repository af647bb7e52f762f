/**
 * Rules of the foundation: state backend names, locking, zones and tags.
 */
import { partitionOf, zonesOf } from "../../lib/aws-catalog";
import { backendNameUses, nameIssues } from "../name-checks";
import { backendNames } from "../resolve";
import { RESERVED_TAG_KEYS, type ParsedEnv } from "../schema";
import type { ConfigIssue, EnvRule } from "./types";

/** AWS's limit of user tags per resource (EC2, IAM, EKS, S3, DynamoDB alike). */
const MAX_TAGS_PER_RESOURCE = 50;
/** Tag keys some resources carry besides the default tags (`Name` on VPC resources and nodes). */
const RESOURCE_TAG_KEYS = ["Name"] as const;

/** Every ARN the config names, with its path. */
function configArns(env: ParsedEnv): [(string | number)[], string][] {
  const out: [(string | number)[], string][] = [];
  if (env.assumeRole) out.push([["assumeRole", "roleArn"], env.assumeRole.roleArn]);
  for (const list of ["admins", "viewers"] as const) {
    for (const [name, arn] of Object.entries(env.eks[list])) out.push([["eks", list, name], arn]);
  }
  if (env.ci.planRoleArn) out.push([["ci", "planRoleArn"], env.ci.planRoleArn]);
  if (env.ci.deployRoleArn) out.push([["ci", "deployRoleArn"], env.ci.deployRoleArn]);
  if (env.kubeconfig.roleArn) out.push([["kubeconfig", "roleArn"], env.kubeconfig.roleArn]);
  if (env.workloads.roleArn) out.push([["workloads", "roleArn"], env.workloads.roleArn]);
  return out;
}

export const FOUNDATION_RULES: readonly EnvRule[] = [
  {
    needs: ["project", "name", "backend"],
    check: (env) => nameIssues(backendNameUses(env, backendNames(env))),
  },
  {
    needs: ["backend"],
    check: (env) => {
      const b = env.backend;
      const issues: ConfigIssue[] = [];
      if (b.kind === "hcp") {
        if (!b.organization) {
          issues.push({
            path: ["backend", "organization"],
            value: undefined,
            message: 'is required with backend.kind "hcp": the HCP Terraform organization of the workspaces',
          });
        }
        const s3Only: [keyof typeof b, unknown][] = [
          ["bucketName", undefined],
          ["lockTableName", undefined],
          ["useLockfile", false],
        ];
        for (const [field, unset] of s3Only) {
          if (b[field] !== unset) {
            issues.push({
              path: ["backend", field],
              value: b[field],
              message: 'only applies with backend.kind "s3"; HCP Terraform keeps and locks the state itself: remove it',
            });
          }
        }
      } else {
        for (const field of ["organization", "hostname", "project"] as const) {
          if (b[field] !== undefined) {
            issues.push({
              path: ["backend", field],
              value: b[field],
              message: 'only applies with backend.kind "hcp"; remove it, or set kind: "hcp"',
            });
          }
        }
      }
      return issues;
    },
  },
  {
    needs: ["backend"],
    check: (env) =>
      env.backend.kind === "s3" && !env.backend.dynamodbLock && !env.backend.useLockfile
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
      const zones = zonesOf(env.region);
      const seen = new Set<string>();
      env.availabilityZones.forEach((az, i) => {
        if (!zones.includes(az)) {
          issues.push({
            path: ["availabilityZones", i],
            value: az,
            message: `is not a zone of ${env.region}; its zones: ${zones.join(", ")}`,
          });
        } else if (seen.has(az)) {
          issues.push({ path: ["availabilityZones", i], value: az, message: "is listed twice" });
        }
        seen.add(az);
      });
      return issues;
    },
  },
  {
    // Every ARN the config names must be in the region's partition, or IAM and EKS refuse it.
    needs: ["region", "accountId", "assumeRole", "eks", "ci", "kubeconfig", "workloads"],
    check: (env) => {
      const issues: ConfigIssue[] = [];
      const partition = partitionOf(env.region);
      if (!partition) return issues;
      for (const [path, arn] of configArns(env)) {
        const arnPartition = arn.split(":")[1];
        if (arnPartition !== partition) {
          issues.push({
            path,
            value: arn,
            message: `is in partition "${arnPartition}", but region ${env.region} is in partition "${partition}": write arn:${partition}:iam::...`,
          });
        }
      }
      const role = env.assumeRole?.roleArn;
      if (role && env.accountId && role.split(":")[4] !== env.accountId) {
        issues.push({
          path: ["assumeRole", "roleArn"],
          value: role,
          message: `must be a role of the environment's account ${env.accountId}: the provider's allowed_account_ids refuses any other account`,
        });
      }
      return issues;
    },
  },
  {
    needs: ["tags", "nodeGroups"],
    check: (env) => {
      const issues: ConfigIssue[] = [];
      const taken = new Map<string, string>([...RESERVED_TAG_KEYS, ...RESOURCE_TAG_KEYS].map((k) => [k.toLowerCase(), k]));
      for (const [key, value] of Object.entries(env.tags)) {
        const same = taken.get(key.toLowerCase());
        if ((RESERVED_TAG_KEYS as readonly string[]).includes(key)) {
          issues.push({ path: ["tags", key], value, message: "is set by the project on every resource; remove it" });
        } else if (same !== undefined) {
          const other = same.startsWith("tags.") ? same : `the tag "${same}" the project sets`;
          issues.push({
            path: ["tags", key],
            value,
            message: `differs only in case from ${other}; IAM, EKS and Auto Scaling treat keys case-insensitively and would refuse both: rename or remove it`,
          });
        } else if (key.length < 1 || key.length > 128 || /^aws:/i.test(key) || !/^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u.test(key)) {
          issues.push({
            path: ["tags", key],
            value,
            message: "has an invalid key: tag keys are 1-128 letters, digits, spaces and _.:/=+-@, not starting with aws:",
          });
        } else if (value.length > 256 || !/^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u.test(value)) {
          issues.push({ path: ["tags", key], value, message: "must be at most 256 letters, digits, spaces and _.:/=+-@" });
        }
        if (same === undefined) taken.set(key.toLowerCase(), `tags.${key}`);
      }
      // The most tagged resources: subnets (Name and two EKS discovery tags) and what self-managed
      // groups launch (Name, the cluster, two autoscaler tags and the drain tag).
      const extra =
        Object.keys(env.nodeGroups.selfManaged).length > 0 ? { what: "a self-managed node", count: 5 } : { what: "a subnet", count: 3 };
      const total = Object.keys(env.tags).length + RESERVED_TAG_KEYS.length + extra.count;
      if (total > MAX_TAGS_PER_RESOURCE) {
        issues.push({
          path: ["tags"],
          value: `${Object.keys(env.tags).length} tags`,
          message: `would give ${extra.what} ${total} tags (yours, the project's ${RESERVED_TAG_KEYS.length} and its own ${extra.count}), more than AWS's ${MAX_TAGS_PER_RESOURCE} per resource: remove ${total - MAX_TAGS_PER_RESOURCE}`,
        });
      }
      return issues;
    },
  },
];
