/**
 * An inventory of synthesized stacks for a reviewer who does not want to read the JSON: resources
 * by type, public endpoints, IAM roles and who can assume them, ingress open to CIDRs, and a
 * Mermaid diagram of the main resources, their references and the links between stacks.
 * Reads only cdktf.out: what is audited is exactly what Terraform will get.
 */
import {
  block,
  blocks,
  list,
  parsePolicyDocument,
  readStacks as readSynthesized,
  stackResources,
  statements,
  valueText,
  type Json,
  type SynthesizedStack as Stack,
} from "../../src/lib/synthesized";
import { tableLines } from "../common/markdown";

interface Resource {
  readonly stack: string;
  readonly address: string;
  readonly type: string;
  readonly name: string;
  readonly config: Json;
}

/** The stacks of one environment (`<env>-*`) in cdktf.out, in deployment order. */
export function readStacks(outdir: string, env: string): Stack[] {
  const order = ["backend", "platform", "workloads"];
  return readSynthesized(outdir, (id) => id.startsWith(`${env}-`)).sort(
    (a, b) => order.indexOf(a.id.slice(env.length + 1)) - order.indexOf(b.id.slice(env.length + 1)),
  );
}

function resourcesOf(stack: Stack, section: "resource" | "data" = "resource"): Resource[] {
  return stackResources(stack.id, stack.json, section)
    .map((r) => ({ stack: stack.id, address: r.address, type: r.type, name: r.name, config: r.config }))
    .sort((a, b) => (a.address < b.address ? -1 : 1));
}

const code = (t: string) => `\`${t}\``;

function publicEndpoints(resources: Resource[]): string[] {
  const lines: string[] = [];
  for (const r of resources) {
    if (r.type === "aws_eks_cluster") {
      const vpc = blocks(r.config.vpc_config)[0] ?? {};
      lines.push(
        vpc.endpoint_public_access === true
          ? `${code(r.address)}: public API endpoint open to ${list(vpc.public_access_cidrs).join(", ") || "0.0.0.0/0 (no allow-list)"}; private endpoint ${vpc.endpoint_private_access ? "on" : "off"}`
          : `${code(r.address)}: API endpoint private only`,
      );
    }
    if (r.type === "kubernetes_ingress_v1") {
      const scheme = block(block(r.config.metadata)?.annotations)?.["alb.ingress.kubernetes.io/scheme"];
      lines.push(`${code(r.address)}: ${scheme === "internet-facing" ? "internet-facing" : "internal"} load balancer (Ingress)`);
    }
    if (r.type === "aws_nat_gateway") lines.push(`${code(r.address)}: NAT gateway with a public IP (outbound only)`);
    if (r.type === "aws_subnet" && list(block(r.config.tags)?.["kubernetes.io/role/elb"]).includes("1")) {
      lines.push(
        `${code(r.address)}: public subnet ${String(r.config.cidr_block)} (${String(r.config.availability_zone)}), for load balancers`,
      );
    }
    // An existing VPC's public subnet, tagged for internet-facing load balancers (vpc.existing.discoveryTags "add").
    if (r.type === "aws_ec2_tag" && r.config.key === "kubernetes.io/role/elb" && r.config.value === "1") {
      lines.push(`${code(r.address)}: tags the existing subnet ${String(r.config.resource_id)} for internet-facing load balancers`);
    }
  }
  return lines;
}

function trustOf(role: Resource): { principals: string; conditions: string } {
  const stmts = statements(parsePolicyDocument(role.config.assume_role_policy));
  const principals = stmts.flatMap((s) => {
    const p = s.Principal as Json | string | undefined;
    if (typeof p === "string") return [p];
    return Object.entries(p ?? {}).flatMap(([kind, v]) =>
      list(v).map((x) => `${kind}: ${x.replace(/TF_EXPR|\$\{[^}]*\}/g, "<reference>")}`),
    );
  });
  const conditions = stmts.flatMap((s) =>
    Object.entries(block(s.Condition) ?? {}).flatMap(([op, kv]) =>
      Object.entries(block(kv) ?? {}).map(
        ([k, v]) =>
          `${op} ${k.replace(/TF_EXPR|\$\{[^}]*\}/g, "<issuer>")} = ${list(v)
            .join(", ")
            .replace(/TF_EXPR/g, "<reference>")}`,
      ),
    ),
  );
  return { principals: principals.join("; ") || "—", conditions: conditions.join("; ") || "—" };
}

function iamRoles(resources: Resource[]): string[][] {
  return resources
    .filter((r) => r.type === "aws_iam_role")
    .map((role) => {
      const { principals, conditions } = trustOf(role);
      const ref = new RegExp(`\\$\\{aws_iam_role\\.${role.name.replace(/-/g, "\\-")}\\.(name|id)\\}`);
      const attached = resources
        .filter((r) => (r.type === "aws_iam_role_policy_attachment" || r.type === "aws_iam_role_policy") && ref.test(String(r.config.role)))
        .map((r) => {
          if (r.type === "aws_iam_role_policy") return `inline ${String(r.config.name)}`;
          const own = /^\$\{aws_iam_policy\.([A-Za-z0-9_-]+)\.arn\}$/.exec(String(r.config.policy_arn));
          const policy = own && resources.find((p) => p.type === "aws_iam_policy" && p.name === own[1]);
          return policy ? `${String(policy.config.name)} (this stack)` : String(r.config.policy_arn).replace(/^.*:policy\//, "");
        });
      return [code(valueText(role.config.name ?? role.name)), principals, conditions, attached.join(", ") || "—"];
    });
}

function openIngress(resources: Resource[]): string[][] {
  const rows: string[][] = [];
  for (const r of resources) {
    if (r.type === "aws_vpc_security_group_ingress_rule" && (r.config.cidr_ipv4 || r.config.cidr_ipv6)) {
      const ports =
        r.config.ip_protocol === "-1" ? "all" : `${String(r.config.ip_protocol)} ${String(r.config.from_port)}-${String(r.config.to_port)}`;
      rows.push([code(r.address), String(r.config.cidr_ipv4 ?? r.config.cidr_ipv6), ports, valueText(r.config.description ?? "")]);
    }
    if (r.type === "aws_security_group") {
      for (const i of blocks(r.config.ingress)) {
        for (const cidr of [...list(i.cidr_blocks), ...list(i.ipv6_cidr_blocks)]) {
          rows.push([
            code(r.address),
            cidr,
            `${String(i.protocol)} ${String(i.from_port)}-${String(i.to_port)}`,
            valueText(i.description ?? ""),
          ]);
        }
      }
    }
  }
  return rows;
}

function table(header: string[], rows: string[][]): string[] {
  return tableLines(header, rows);
}

/** Types drawn as nodes of the diagram; the rest are details of these. */
const MAIN_TYPES = [
  "aws_s3_bucket",
  "aws_dynamodb_table",
  "aws_kms_key",
  "aws_vpc",
  "aws_subnet",
  "aws_nat_gateway",
  "aws_eks_cluster",
  "aws_eks_node_group",
  "aws_autoscaling_group",
  "aws_eks_fargate_profile",
  "aws_iam_role",
  "aws_iam_openid_connect_provider",
  "aws_ecr_repository",
  "aws_security_group",
  "local_file",
  "kubernetes_config_map_v1",
  "kubernetes_config_map_v1_data",
  "kubernetes_service_account_v1",
  "kubernetes_deployment_v1",
  "kubernetes_ingress_v1",
];

/** A Mermaid flowchart of the environment's stacks: main resources (grouped by type where many), references, cross-stack links. */
export function mermaidDiagram(stacks: Stack[]): string {
  const lines = ["flowchart LR"];
  const nodeOf = new Map<string, string>(); // "stack|address" -> node id
  const id = (text: string) => text.replace(/[^A-Za-z0-9]/g, "_");
  for (const stack of stacks) {
    lines.push(`  subgraph ${id(stack.id)}["${stack.id}"]`);
    const resources = resourcesOf(stack).filter((r) => MAIN_TYPES.includes(r.type));
    const byType = new Map<string, Resource[]>();
    for (const r of resources) byType.set(r.type, [...(byType.get(r.type) ?? []), r]);
    for (const [type, list_] of [...byType].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (list_.length > 3) {
        const node = id(`${stack.id}_${type}`);
        lines.push(`    ${node}["${type} ×${list_.length}"]`);
        for (const r of list_) nodeOf.set(`${stack.id}|${r.address}`, node);
      } else {
        for (const r of list_) {
          const node = id(`${stack.id}_${r.address}`);
          lines.push(`    ${node}["${r.address}"]`);
          nodeOf.set(`${stack.id}|${r.address}`, node);
        }
      }
    }
    lines.push("  end");
  }
  const edges = new Set<string>();
  const outputsOf = new Map(stacks.map((s) => [s.id, s.json.output ?? {}]));
  for (const stack of stacks) {
    for (const r of resourcesOf(stack)) {
      const from = nodeOf.get(`${stack.id}|${r.address}`);
      if (!from) continue;
      const text = JSON.stringify(r.config);
      // References inside the stack.
      for (const m of text.matchAll(/\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\./g)) {
        const to = nodeOf.get(`${stack.id}|${m[1]}.${m[2]}`);
        if (to && to !== from) edges.add(`  ${to} --> ${from}`);
      }
      // Cross-stack references: a remote-state output of another stack, and the resource behind it.
      for (const m of text.matchAll(
        /data\.terraform_remote_state\.cross-stack-reference-input-([A-Za-z0-9-]+)\.outputs\.([A-Za-z0-9_-]+)/g,
      )) {
        const output = outputsOf.get(m[1])?.[m[2]];
        const ref = /\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\./.exec(JSON.stringify(output?.value ?? ""));
        const to = ref ? nodeOf.get(`${m[1]}|${ref[1]}.${ref[2]}`) : undefined;
        if (to) edges.add(`  ${to} -. "remote state" .-> ${from}`);
      }
    }
  }
  // Each S3-backed stack keeps its state in the backend stack's bucket.
  const backend = stacks.find((s) => s.id.endsWith("-backend"));
  const bucketNode = backend && [...nodeOf].find(([k]) => k.startsWith(`${backend.id}|aws_s3_bucket.`))?.[1];
  for (const stack of stacks) {
    const s3 = stack.json.terraform?.backend?.s3;
    if (bucketNode && s3 && stack !== backend) edges.add(`  ${id(stack.id)} -. "state: ${String(s3.key)}" .-> ${bucketNode}`);
  }
  return [...lines, ...[...edges].sort()].join("\n");
}

/** The audit of one environment as Markdown. */
export function auditMarkdown(outdir: string, env: string): string {
  const stacks = readStacks(outdir, env);
  if (stacks.length === 0) throw new Error(`no stacks of environment "${env}" in ${outdir}; synthesize first`);
  const out: string[] = [`# Audit: ${env}`, ""];
  out.push(
    ...table(
      ["stack", "resources", "data sources", "providers", "state"],
      stacks.map((s) => {
        const backend = s.json.terraform?.backend ?? {};
        const kind = Object.keys(backend)[0] ?? "local";
        const where =
          kind === "s3" ? `s3://${String(backend.s3.bucket)}/${String(backend.s3.key)}` : `${kind} ${valueText(backend[kind]?.path ?? "")}`;
        return [
          code(s.id),
          String(resourcesOf(s).length),
          String(resourcesOf(s, "data").length),
          Object.keys(s.json.provider ?? {})
            .sort()
            .join(", "),
          where.trim(),
        ];
      }),
    ),
    "",
  );
  for (const stack of stacks) {
    const resources = resourcesOf(stack);
    out.push(`## ${stack.id}`, "", "### Resources by type", "");
    const counts = new Map<string, number>();
    for (const r of resources) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
    out.push(
      ...table(
        ["type", "count"],
        [...counts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([t, n]) => [code(t), String(n)]),
      ),
      "",
    );
    const endpoints = publicEndpoints(resources);
    out.push("### Public endpoints", "", ...(endpoints.length > 0 ? endpoints.map((l) => `- ${l}`) : ["None."]), "");
    const roles = iamRoles(resources);
    out.push(
      "### IAM roles and who can assume them",
      "",
      ...(roles.length > 0 ? table(["role", "trusted principals", "conditions", "policies"], roles) : ["None."]),
      "",
    );
    const ingress = openIngress(resources);
    out.push(
      "### Ingress from CIDRs",
      "",
      ...(ingress.length > 0
        ? table(["rule", "source", "ports", "description"], ingress)
        : ["None: every ingress rule names a security group."]),
      "",
    );
  }
  out.push("## Diagram", "", "```mermaid", mermaidDiagram(stacks), "```", "");
  return out.join("\n");
}
