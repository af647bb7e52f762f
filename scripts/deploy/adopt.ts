/**
 * What an interrupted apply can leave behind: a resource AWS created whose answer Terraform never
 * got. On Ctrl-C Terraform cancels the requests in flight; a create AWS had already carried out then
 * exists in the account but not in the state, and the next apply fails on its name ("already
 * exists"). Those are found again by that name: `importBlocks` writes Terraform `import` blocks for
 * them (with a lookup by name where the import id is not the name), so the next apply takes them
 * into the state. A resource without a unique name (a KMS key, a VPC) cannot fail that way: the
 * next apply creates another, and the stray one carries the environment's tags.
 */
import type { Json, TerraformJson } from "../../src/lib/synthesized";

/** The errors of a failed apply: the creates whose name is taken (their addresses), and the others. */
export interface ApplyErrors {
  readonly taken: string[];
  readonly others: string[];
}

/** AWS's answers to a create whose unique name exists already in this account. */
const NAME_TAKEN =
  /EntityAlreadyExists|\bAlreadyExistsException|ResourceAlreadyExistsException|RepositoryAlreadyExistsException|BucketAlreadyOwnedByYou|InvalidGroup\.Duplicate|ResourceInUseException: (Table|Cluster) already exists|AlreadyExists: \w+ by this name already exists/;

/** The types imported by their name: the attribute that holds it. */
const BY_NAME: Record<string, string> = {
  aws_autoscaling_group: "name",
  aws_cloudwatch_log_group: "name",
  aws_dynamodb_table: "name",
  aws_ecr_repository: "name",
  aws_eks_cluster: "name",
  aws_iam_instance_profile: "name",
  aws_iam_role: "name",
  aws_kms_alias: "name",
  aws_s3_bucket: "bucket",
};

/** EKS resources imported as `<cluster>:<their name>`: the attribute that holds their name. */
const BY_CLUSTER: Record<string, string> = {
  aws_eks_addon: "addon_name",
  aws_eks_fargate_profile: "fargate_profile_name",
  aws_eks_node_group: "node_group_name",
};

/**
 * The types whose import id (an ARN, a generated id) is looked up by name with a data source of the
 * same type: the arguments copied from the resource, and the data source's attribute that is the id.
 */
const BY_LOOKUP: Record<string, { readonly args: readonly string[]; readonly id: string }> = {
  aws_iam_policy: { args: ["name"], id: "arn" },
  aws_iam_openid_connect_provider: { args: ["url"], id: "arn" },
  aws_launch_template: { args: ["name"], id: "id" },
  aws_security_group: { args: ["name", "vpc_id"], id: "id" },
};

/** Reads the `Error:` blocks of Terraform's plain (`-no-color`) stderr. */
export function applyErrors(stderr: string): ApplyErrors {
  const taken: string[] = [];
  const others: string[] = [];
  for (const block of stderr.split(/^(?=Error: )/m).filter((b) => b.startsWith("Error: "))) {
    const address = /^\s+with ([\w.]+),$/m.exec(block)?.[1];
    if (address && !address.startsWith("data.") && NAME_TAKEN.test(block.split("\n")[0])) taken.push(address);
    else others.push(block.split("\n")[0]);
  }
  return { taken, others };
}

/**
 * A Terraform JSON file importing each of `addresses` by the name the stack gives it; undefined
 * when one of them is of a type that cannot be found by name. The names are copied as the stack
 * writes them, references included (a node group's `${aws_eks_cluster.cluster.name}`).
 */
export function importBlocks(addresses: readonly string[], stack: TerraformJson): TerraformJson | undefined {
  const imports: Json[] = [];
  const data: Record<string, Record<string, Json>> = {};
  for (const [i, address] of addresses.entries()) {
    const [type, name] = address.split(".");
    const block = stack.resource?.[type]?.[name];
    if (!block) return undefined;
    const cluster = BY_CLUSTER[type];
    const lookup = BY_LOOKUP[type];
    let id: unknown;
    if (BY_NAME[type]) id = block[BY_NAME[type]];
    else if (cluster && typeof block.cluster_name === "string" && typeof block[cluster] === "string")
      id = `${block.cluster_name}:${block[cluster]}`;
    else if (lookup) {
      (data[type] ??= {})[`adopt_${i}`] = Object.fromEntries(lookup.args.filter((a) => a in block).map((a) => [a, block[a]]));
      id = `\${data.${type}.adopt_${i}.${lookup.id}}`;
    }
    if (typeof id !== "string") return undefined;
    imports.push({ to: address, id });
  }
  return Object.keys(data).length > 0 ? { data, import: imports } : { import: imports };
}
