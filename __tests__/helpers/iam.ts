/**
 * Checks IAM policy statements the way IAM evaluates them, far enough to catch the two defects that
 * deny at run time what a policy seems to allow: an action missing, and a condition key the request
 * never carries for a resource the statement names (then the condition is false and nothing matches).
 */
import type { Statement } from "../../src/lib/iam";
import { CONDITION_KEYS, RESOURCE_ARNS } from "../fixtures/service-authorization";

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** IAM's wildcard match (`*` any run of characters, `?` one), case-insensitive for actions. */
export function globMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
    ignoreCase ? "i" : "",
  );
  return re.test(value);
}

/** Whether some Allow statement names the action (the resource and conditions aside). */
export function allowsAction(statements: readonly Statement[], action: string): boolean {
  return statements.some((s) => s.Effect === "Allow" && list(s.Action).some((a) => globMatch(a, action, true)));
}

/** `aws:ResourceTag/elbv2.k8s.aws/cluster` -> `aws:ResourceTag/${TagKey}`, as the reference writes them. */
function genericKey(key: string): string {
  return key.replace(/^((?:aws|ec2|elasticloadbalancing|autoscaling):(?:ResourceTag|RequestTag))\/.+$/, "$1/${TagKey}");
}

/** A resource ARN of a type, with sample values, to match a statement's resource patterns against. */
function sampleArn(serviceType: string, region: string): string {
  return RESOURCE_ARNS[serviceType]
    .replace("${Partition}", "aws")
    .replace("${Region}", region)
    .replace("${Account}", "111111111111")
    .replace(/\$\{[A-Za-z]+\}/g, "sample");
}

/**
 * The condition keys a statement uses that the request cannot carry for some resource type it
 * names, as "action on type: key" lines. Null conditions asking for absence are always satisfiable.
 * Throws for a conditioned action the fixture does not know (add it from the reference).
 */
export function conditionKeyProblems(statement: Statement, region = "eu-west-1"): string[] {
  if (!statement.Condition) return [];
  const keys: string[] = [];
  for (const [operator, byKey] of Object.entries(statement.Condition)) {
    for (const [key, value] of Object.entries(byKey)) {
      if (operator === "Null" && value === "true") continue;
      keys.push(key);
    }
  }
  const problems: string[] = [];
  for (const action of list(statement.Action)) {
    const known = CONDITION_KEYS[action];
    if (!known)
      throw new Error(
        `${action} is not in __tests__/fixtures/service-authorization.ts; add its row from the Service Authorization Reference`,
      );
    const service = action.split(":")[0];
    const resources = list(statement.Resource);
    const named = resources.includes("*")
      ? known.resources.filter((r) => r.required || !known.resources.some((x) => x.required))
      : known.resources.filter((r) => {
          const arn = RESOURCE_ARNS[`${service}:${r.type}`];
          return (
            arn !== undefined && resources.some((p) => globMatch(p.replace(/\$\{[^}]+\}/g, "*"), sampleArn(`${service}:${r.type}`, region)))
          );
        });
    if (named.length === 0) problems.push(`${action}: no resource type of the action matches ${resources.join(", ")}`);
    for (const r of named) {
      for (const key of keys) {
        if (!r.keys.includes(genericKey(key)) && !known.actionKeys.includes(genericKey(key)))
          problems.push(`${action} on ${r.type}: ${key}`);
      }
    }
  }
  return problems;
}
