/**
 * Helpers rules share: the resources of a synthesized stack, references between them, and IAM
 * policy documents that contain Terraform interpolations.
 */
import { block, blocks, list, parsePolicyDocument, stackResources, statements, valueText, type TerraformJson } from "../lib/synthesized";
import type { DeclaredNetwork, PolicyContext, SynthResource } from "./types";

export { block, blocks, list, parsePolicyDocument, statements, valueText };

/** The resources of a synthesized stack (`cdk.tf.json` as an object). */
export function resourcesOf(stack: string, json: TerraformJson): SynthResource[] {
  return stackResources(stack, json);
}

const REFERENCE = /^\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.[^}]+\}$/;

export function contextOf(stack: string, resources: readonly SynthResource[], network?: DeclaredNetwork): PolicyContext {
  const byAddress = new Map(resources.map((r) => [r.address, r]));
  return {
    stack,
    resources,
    network,
    resolve(reference: unknown) {
      if (typeof reference !== "string") return undefined;
      const m = REFERENCE.exec(reference);
      return m ? byAddress.get(`${m[1]}.${m[2]}`) : undefined;
    },
    referencing(type: string, target: SynthResource) {
      const needle = new RegExp(`\\$\\{${target.type}\\.${target.name.replace(/[-]/g, "\\-")}\\.`);
      return resources.filter((r) => r.type === type && needle.test(JSON.stringify(r.config)));
    },
  };
}

/** True when a value is (or contains) a Terraform expression, known only at plan or apply time. */
export function isExpression(value: unknown): boolean {
  return typeof value === "string" && value.includes("${");
}

/**
 * Whether a subnet is public: its route table (through an association) has a route to an internet
 * gateway, or it assigns public IPs at launch.
 */
function isPublicSubnet(subnet: SynthResource, ctx: PolicyContext): boolean {
  if (subnet.config.map_public_ip_on_launch === true) return true;
  for (const assoc of ctx.referencing("aws_route_table_association", subnet)) {
    const table = ctx.resolve(assoc.config.route_table_id);
    if (!table) continue;
    for (const route of blocks(table.config.route)) {
      if (ctx.resolve(route.gateway_id)?.type === "aws_internet_gateway") return true;
    }
    for (const route of ctx.referencing("aws_route", table)) {
      if (ctx.resolve(route.config.gateway_id)?.type === "aws_internet_gateway") return true;
    }
  }
  return false;
}

/**
 * Checks that every subnet id is a private subnet: of this stack (no route to an internet gateway),
 * or of the existing VPC the environment declares (listed in `vpc.existing.privateSubnets`, whose
 * routes its owner keeps). Returns the problem, or undefined. Other ids cannot be verified, and say so.
 */
export function privateSubnetsProblem(ids: unknown, ctx: PolicyContext): string | undefined {
  const values = Array.isArray(ids) ? ids : [ids];
  if (values.length === 0) return "has no subnets";
  for (const id of values) {
    if (typeof id === "string" && ctx.network && !isExpression(id)) {
      if (ctx.network.privateSubnetIds.includes(id)) continue;
      if (ctx.network.publicSubnetIds.includes(id)) return `uses ${id}, a public subnet of the existing VPC (vpc.existing.publicSubnets)`;
    }
    const subnet = ctx.resolve(id);
    if (!subnet || subnet.type !== "aws_subnet")
      return `uses subnet ${JSON.stringify(id)}, which is not a subnet of this stack and cannot be checked`;
    if (isPublicSubnet(subnet, ctx)) return `uses the public subnet ${subnet.address} (it routes to an internet gateway)`;
  }
  return undefined;
}
