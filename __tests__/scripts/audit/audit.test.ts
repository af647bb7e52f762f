import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { buildApp } from "../../../src/app";
import { auditMarkdown, mermaidDiagram, readStacks } from "../../../scripts/audit/audit";
import { existingVpcInput, fixtureEnvs, testEnv } from "../../helpers/synth";

const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "audit-")), "cdktf.out");
buildApp(await fixtureEnvs(), outdir).app.synth();
/** Fargate only, a public endpoint open to one range, the 2048 sample. */
const alpha = auditMarkdown(outdir, "alpha");
/** A private endpoint reached from one range (eks.apiAccess). */
const bravo = auditMarkdown(outdir, "bravo");

describe("audit", () => {
  it("summarizes each stack: resources, data sources, providers and where its state lives", () => {
    expect(alpha).toContain("| `alpha-backend` | 15 | 1 | aws | s3://fixture-alpha-tfstate/alpha/alpha-backend.tfstate |");
    expect(alpha).toMatch(
      /\| `alpha-platform` \| \d+ \| 2 \| aws, external, local \| s3:\/\/fixture-alpha-tfstate\/alpha\/alpha-platform\.tfstate \|/,
    );
    expect(alpha).toContain("| `aws_subnet` | 4 |");
  });

  it("lists the public endpoints: the allow-listed API, the internet-facing Ingress, NAT and public subnets", () => {
    expect(alpha).toContain("- `aws_eks_cluster.eks`: public API endpoint open to 203.0.113.0/24; private endpoint on");
    expect(alpha).toContain("- `kubernetes_ingress_v1.game_2048_ingress`: internet-facing load balancer (Ingress)");
    expect(alpha).toContain("- `aws_nat_gateway.vpc_nat`: NAT gateway with a public IP (outbound only)");
    expect(bravo).toContain("- `aws_eks_cluster.eks`: API endpoint private only");
  });

  it("names the existing VPC's public subnets the platform tags for internet-facing load balancers", () => {
    const existing = existingVpcInput();
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "audit-byo-")), "cdktf.out");
    buildApp([testEnv({ name: "byo", vpc: { existing } })], out).app.synth();
    const byo = auditMarkdown(out, "byo");
    for (const s of existing.publicSubnets) {
      expect(byo).toContain(`- \`aws_ec2_tag.vpc_${s.id}_role_tag\`: tags the existing subnet ${s.id} for internet-facing load balancers`);
    }
    expect(byo).not.toContain("aws_nat_gateway");
  });

  it("shows who can assume each role, with the conditions that scope it", () => {
    expect(alpha).toContain("| `fixture-alpha-eks-cluster` | Service: eks.amazonaws.com | — | AmazonEKSClusterPolicy |");
    expect(alpha).toContain(
      "| `fixture-alpha-eks-aws-lb-controller` | Federated: <reference> | StringEquals <issuer>:sub = system:serviceaccount:kube-system:aws-load-balancer-controller; StringEquals <issuer>:aud = sts.amazonaws.com | inline fixture-alpha-eks-aws-lb-controller |",
    );
  });

  it("lists every ingress open to CIDRs: only bravo's runner subnet, on the API (eks.apiAccess)", () => {
    expect(alpha.match(/None: every ingress rule names a security group\./g)).toHaveLength(3);
    expect(bravo.match(/None: every ingress rule names a security group\./g)).toHaveLength(2);
    expect(bravo).toContain(
      "| `aws_vpc_security_group_ingress_rule.eks_api_from_cidr_10_99_0_0_24` | 10.99.0.0/24 | tcp 443-443 | API server from 10.99.0.0/24 (eks.apiAccess) |",
    );
  });

  it("draws a Mermaid diagram whose every edge joins declared nodes, with the cross-stack links", () => {
    const diagram = mermaidDiagram(readStacks(outdir, "alpha"));
    const lines = diagram.split("\n");
    expect(lines[0]).toBe("flowchart LR");
    const declared = new Set<string>();
    for (const l of lines) {
      const node = /^\s+([A-Za-z0-9_]+)\["[^"]+"\]$/.exec(l) ?? /^\s+subgraph ([A-Za-z0-9_]+)\["[^"]+"\]$/.exec(l);
      if (node) declared.add(node[1]);
    }
    const edges = lines.filter((l) => l.includes("-->") || l.includes(".->"));
    expect(edges.length).toBeGreaterThan(10);
    for (const e of edges) {
      const [from, to] = [/^\s+(\S+)/.exec(e)![1], /(\S+)$/.exec(e)![1]];
      expect(declared.has(from), `${from} in ${e}`).toBe(true);
      expect(declared.has(to), `${to} in ${e}`).toBe(true);
    }
    expect(diagram).toContain(
      'alpha_platform_aws_iam_role -. "remote state" .-> alpha_workloads_kubernetes_service_account_v1_app_service_account',
    );
    expect(diagram).toContain('alpha_platform -. "state: alpha/alpha-platform.tfstate" .-> alpha_backend_aws_s3_bucket_state_bucket');
    expect(alpha).toContain("```mermaid\nflowchart LR");
  });

  it("refuses an environment that was not synthesized", () => {
    expect(() => auditMarkdown(outdir, "nosuchenv")).toThrow(`no stacks of environment "nosuchenv" in ${outdir}; synthesize first`);
  });
});
