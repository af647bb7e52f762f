import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { Release } from "@cdktf/provider-helm/lib/release";
import { parse } from "yaml";
import { Karpenter, manifestChartDir, MANIFEST_CHART_FILES, type KarpenterProps } from "../../../src/constructs/karpenter";
import { KARPENTER_CHART, KARPENTER_CRD_CHART } from "../../../src/lib/helm-charts";
import { PropsError } from "../../../src/lib/validation";
import { resourcesOf, synthConstruct } from "../../helpers/synth";

const props: KarpenterProps = {
  clusterName: "fixture-delta-eks",
  clusterEndpoint: "https://example.eks.amazonaws.com",
  region: "eu-west-1",
  roleArn: "arn:aws:iam::444444444444:role/fixture-delta-eks-karpenter",
  interruptionQueueName: "fixture-delta-eks-karpenter",
  controllerOn: "nodeGroup",
  nodeRoleName: "fixture-delta-eks-karpenter-node",
  amiAlias: "al2023@v20260714",
  subnetIds: ["subnet-a", "subnet-b"],
  securityGroupIds: ["sg-cluster"],
  rootVolumeGib: 50,
  nodePool: {
    instanceCategories: ["c", "m", "r"],
    capacityTypes: ["spot", "on-demand"],
    architectures: ["amd64"],
    cpuLimit: 64,
    consolidationPolicy: "WhenEmptyOrUnderutilized",
    consolidateAfter: "1m",
    expireAfter: "720h",
  },
  tags: { Project: "fixture", Environment: "delta" },
  dependsOn: [],
};
const releases = (p: KarpenterProps = props) =>
  resourcesOf(
    synthConstruct((s) => new Karpenter(s, "karpenter", p)),
    "helm_release",
  );
const values = (release: Record<string, unknown>) => parse((release.values as string[])[0]) as Record<string, unknown>;

describe("Karpenter", () => {
  const r = releases();

  it("installs the CRDs first, then the controller, then the EC2NodeClass, then the NodePool: each depends on the CRD release", () => {
    expect(Object.keys(r).sort()).toEqual(["karpenter_crd_release", "karpenter_node_class", "karpenter_node_pool", "karpenter_release"]);
    expect(r.karpenter_crd_release.depends_on).toEqual([]);
    expect(r.karpenter_release.depends_on).toEqual(["helm_release.karpenter_crd_release"]);
    expect(r.karpenter_node_class.depends_on).toEqual(["helm_release.karpenter_crd_release", "helm_release.karpenter_release"]);
    expect(r.karpenter_node_pool.depends_on).toEqual([
      "helm_release.karpenter_crd_release",
      "helm_release.karpenter_release",
      "helm_release.karpenter_node_class",
    ]);
    for (const release of Object.values(r)) expect(release).toMatchObject({ namespace: "kube-system", wait: true, timeout: 600 });
  });

  it("pins both charts to one version from Karpenter's OCI repository, and leaves the CRDs to their own chart", () => {
    expect(r.karpenter_crd_release).toMatchObject({
      name: "karpenter-crd",
      repository: KARPENTER_CHART.repository,
      chart: "karpenter-crd",
      version: KARPENTER_CHART.version,
    });
    expect(r.karpenter_release).toMatchObject({
      name: "karpenter",
      repository: KARPENTER_CHART.repository,
      chart: "karpenter",
      version: KARPENTER_CHART.version,
      skip_crds: true,
    });
    expect(KARPENTER_CRD_CHART.version).toBe(KARPENTER_CHART.version);
    expect(KARPENTER_CHART.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(KARPENTER_CRD_CHART.repository).toBe(KARPENTER_CHART.repository);
    expect(KARPENTER_CHART.repository).toMatch(/^oci:\/\/[^/]+\/karpenter$/);
  });

  it("configures the controller: cluster, endpoint, queue, IRSA role, region, resources, and its node group only", () => {
    expect(values(r.karpenter_release)).toEqual({
      settings: {
        clusterName: "fixture-delta-eks",
        clusterEndpoint: "https://example.eks.amazonaws.com",
        interruptionQueue: "fixture-delta-eks-karpenter",
      },
      serviceAccount: {
        create: true,
        name: "karpenter",
        annotations: { "eks.amazonaws.com/role-arn": "arn:aws:iam::444444444444:role/fixture-delta-eks-karpenter" },
      },
      controller: {
        env: [{ name: "AWS_REGION", value: "eu-west-1" }],
        resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } },
      },
      nodeSelector: { "kubernetes.io/os": "linux", "eks.amazonaws.com/nodegroup": "karpenter" },
    });
    // On Fargate its profile selects its pods: no node selector.
    expect(values(releases({ ...props, controllerOn: "fargate" }).karpenter_release)).not.toHaveProperty("nodeSelector");
  });

  it("installs the EC2NodeClass: node role, pinned AMI, subnets and security group by id, IMDSv2 with hop limit 1, encrypted gp3, tags", () => {
    expect(values(r.karpenter_node_class)).toEqual({
      manifest: {
        apiVersion: "karpenter.k8s.aws/v1",
        kind: "EC2NodeClass",
        metadata: { name: "default" },
        spec: {
          role: "fixture-delta-eks-karpenter-node",
          amiSelectorTerms: [{ alias: "al2023@v20260714" }],
          subnetSelectorTerms: [{ id: "subnet-a" }, { id: "subnet-b" }],
          securityGroupSelectorTerms: [{ id: "sg-cluster" }],
          metadataOptions: { httpEndpoint: "enabled", httpProtocolIPv6: "disabled", httpPutResponseHopLimit: 1, httpTokens: "required" },
          blockDeviceMappings: [
            { deviceName: "/dev/xvda", ebs: { volumeSize: "50Gi", volumeType: "gp3", encrypted: true, deleteOnTermination: true } },
          ],
          tags: { Project: "fixture", Environment: "delta" },
        },
      },
    });
  });

  it("installs the NodePool from the config: categories of generation 3+, capacity types, architectures, CPU limit, consolidation, expiry", () => {
    expect(values(r.karpenter_node_pool)).toEqual({
      manifest: {
        apiVersion: "karpenter.sh/v1",
        kind: "NodePool",
        metadata: { name: "default" },
        spec: {
          template: {
            spec: {
              nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "default" },
              requirements: [
                { key: "karpenter.k8s.aws/instance-category", operator: "In", values: ["c", "m", "r"] },
                { key: "karpenter.k8s.aws/instance-generation", operator: "Gt", values: ["2"] },
                { key: "karpenter.sh/capacity-type", operator: "In", values: ["spot", "on-demand"] },
                { key: "kubernetes.io/arch", operator: "In", values: ["amd64"] },
                { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
              ],
              expireAfter: "720h",
            },
          },
          limits: { cpu: 64 },
          disruption: { consolidationPolicy: "WhenEmptyOrUnderutilized", consolidateAfter: "1m" },
        },
      },
    });
    const unlimited = values(releases({ ...props, nodePool: { ...props.nodePool, cpuLimit: "none" } }).karpenter_node_pool);
    expect((unlimited.manifest as { spec: object }).spec).not.toHaveProperty("limits");
  });

  it("installs both objects with the project's one-object chart, shipped with the stack", () => {
    const chart = r.karpenter_node_class.chart as string;
    expect(chart).toMatch(/^\$\{path\.module\}\/assets\/karpenter_object_chart\/[0-9A-F]+$/);
    expect(r.karpenter_node_pool.chart).toBe(chart);
    expect(r.karpenter_node_class).not.toHaveProperty("repository");
    const dir = manifestChartDir();
    for (const [file, text] of Object.entries(MANIFEST_CHART_FILES)) expect(fs.readFileSync(path.join(dir, file), "utf8")).toBe(text);
    expect(parse(MANIFEST_CHART_FILES["Chart.yaml"])).toMatchObject({ apiVersion: "v2", name: "manifest", type: "application" });
    // The template renders the one object it is given, and refuses to render nothing.
    expect(MANIFEST_CHART_FILES["templates/manifest.yaml"]).toBe(
      '{{ required "values.manifest is the object to install" .Values.manifest | toYaml }}\n',
    );
  });

  it("waits, CRDs and controller, for what it is told to (the load balancer controller's webhook)", () => {
    const json = synthConstruct((s) => {
      const lbc = new Release(s, "lb_controller_release", { name: "aws-load-balancer-controller", chart: "x" });
      new Karpenter(s, "karpenter", { ...props, dependsOn: [lbc] });
    });
    const after = resourcesOf(json, "helm_release");
    expect(after.karpenter_crd_release.depends_on).toEqual(["helm_release.lb_controller_release"]);
    expect(after.karpenter_release.depends_on).toEqual(["helm_release.karpenter_crd_release", "helm_release.lb_controller_release"]);
  });

  it("refuses nodes without security groups", () => {
    const make = () => synthConstruct((s) => new Karpenter(s, "k", { ...props, securityGroupIds: [] }));
    expect(make).toThrow(PropsError);
    expect(make).toThrow("Karpenter: securityGroupIds must list the security groups of the nodes (got [])");
  });
});
