import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { buildApp } from "../../../src/app";
import { auditMarkdown, mermaidDiagram, readStacks } from "../../../src/tools/audit/audit";
import { sampleEnvs } from "../../helpers/synth";

const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "audit-")), "cdktf.out");
buildApp(await sampleEnvs(), outdir).app.synth();
const dev = auditMarkdown(outdir, "dev");
const prod = auditMarkdown(outdir, "prod");

describe("audit", () => {
  it("summarizes each stack: resources, data sources, providers and where its state lives", () => {
    expect(dev).toContain("| `dev-backend` | 10 | 0 | aws | local ../../../terraform-state/dev-backend.tfstate |");
    expect(dev).toMatch(/\| `dev-platform` \| \d+ \| 2 \| aws, external, local \| s3:\/\/acme-dev-tfstate\/dev\/dev-platform\.tfstate \|/);
    expect(dev).toContain("| `aws_subnet` | 4 |");
  });

  it("lists the public endpoints: the allow-listed API, the internet-facing Ingress, NAT and public subnets", () => {
    expect(dev).toContain("- `aws_eks_cluster.eks`: public API endpoint open to 203.0.113.0/24; private endpoint on");
    expect(dev).toContain("- `kubernetes_ingress_v1.game_2048_ingress`: internet-facing load balancer (Ingress)");
    expect(dev).toContain("- `aws_nat_gateway.vpc_nat`: NAT gateway with a public IP (outbound only)");
    expect(prod).toContain("- `aws_eks_cluster.eks`: API endpoint private only");
  });

  it("shows who can assume each role, with the conditions that scope it", () => {
    expect(dev).toContain("| `acme-dev-eks-cluster` | Service: eks.amazonaws.com | — | AmazonEKSClusterPolicy |");
    expect(dev).toContain(
      "| `acme-dev-eks-aws-lb-controller` | Federated: <reference> | StringEquals <issuer>:sub = system:serviceaccount:kube-system:aws-load-balancer-controller; StringEquals <issuer>:aud = sts.amazonaws.com | inline acme-dev-eks-aws-lb-controller |",
    );
  });

  it("lists every ingress open to CIDRs: only prod's runner subnet, on the API (eks.apiAccess)", () => {
    expect(dev.match(/None: every ingress rule names a security group\./g)).toHaveLength(3);
    expect(prod.match(/None: every ingress rule names a security group\./g)).toHaveLength(2);
    expect(prod).toContain(
      "| `aws_vpc_security_group_ingress_rule.eks_api_from_cidr_0` | 10.99.0.0/24 | tcp 443-443 | API server from 10.99.0.0/24 (eks.apiAccess) |",
    );
  });

  it("draws a Mermaid diagram whose every edge joins declared nodes, with the cross-stack links", () => {
    const diagram = mermaidDiagram(readStacks(outdir, "dev"));
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
      'dev_platform_aws_iam_role -. "remote state" .-> dev_workloads_kubernetes_service_account_v1_app_service_account',
    );
    expect(diagram).toContain('dev_platform -. "state: dev/dev-platform.tfstate" .-> dev_backend_aws_s3_bucket_state_bucket');
    expect(dev).toContain("```mermaid\nflowchart LR");
  });

  it("refuses an environment that was not synthesized", () => {
    expect(() => auditMarkdown(outdir, "nosuchenv")).toThrow(`no stacks of environment "nosuchenv" in ${outdir}; synthesize first`);
  });
});
