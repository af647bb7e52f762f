import { describe, expect, it } from "vitest";
import { ManagedGroupSchema, SelfManagedGroupSchema } from "../../../src/config/schema";
import type { IEksCluster } from "../../../src/constructs/eks";
import { EksWorkerNodes, nodeadmUserData, type EksWorkerNodesProps } from "../../../src/constructs/eks-worker-nodes";
import { EKS_NODE_IMAGE_RELEASES } from "../../../src/lib/eks-node-images";
import { PropsError } from "../../../src/lib/validation";
import { onlyResource, policyOf, resourcesOf, synthConstruct, type StackJson } from "../../helpers/synth";

const cluster: IEksCluster = {
  clusterName: "fixture-bravo-eks",
  clusterNameRef: "fixture-bravo-eks",
  clusterEndpoint: "https://ABC.gr7.eu-west-1.eks.amazonaws.com",
  clusterCertificateAuthorityData: "Q0FEQVRB",
  serviceIpv4Cidr: "172.20.0.0/16",
  kubernetesVersion: "1.35",
  clusterSecurityGroupId: "sg-cluster",
  clusterPrimarySecurityGroupId: "sg-eks-primary",
};
const props: EksWorkerNodesProps = {
  cluster,
  vpcId: "vpc-1",
  subnetIds: ["subnet-private-a", "subnet-private-b"],
  subnetZones: ["eu-west-1a", "eu-west-1b"],
  roleName: "fixture-bravo-eks-node",
  partition: "aws",
  drainTag: "aws-node-termination-handler/fixture-bravo-eks",
  instanceTags: { Project: "fixture", Environment: "bravo" },
  selfManaged: {
    app: SelfManagedGroupSchema.parse({ instanceType: "m5.large", minSize: 2, desiredSize: 3, maxSize: 6, labels: { workload: "app" } }),
  },
  managed: {
    "kube-system": ManagedGroupSchema.parse({
      instanceTypes: ["t3.medium", "t3a.medium"],
      capacityType: "SPOT",
      minSize: 2,
      desiredSize: 2,
      maxSize: 4,
      labels: { "node-role": "system" },
      taints: [{ key: "CriticalAddonsOnly", value: "true", effect: "PREFER_NO_SCHEDULE" }],
      maxUnavailablePercentage: 33,
    }),
  },
};

function synth(p: Partial<EksWorkerNodesProps> = {}): StackJson {
  return synthConstruct((scope) => new EksWorkerNodes(scope, "workers", { ...props, ...p }));
}

const ingressRules = (json: StackJson) => resourcesOf(json, "aws_vpc_security_group_ingress_rule");

describe("EksWorkerNodes", () => {
  it("gives the node role the worker and registry policies and EC2 trust, and not the CNI's (it has its own IRSA role)", () => {
    const json = synth();
    const role = onlyResource(json, "aws_iam_role");
    expect(policyOf(role.assume_role_policy).Statement).toEqual([
      { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: ["sts:AssumeRole"] },
    ]);
    expect(
      Object.values(resourcesOf(json, "aws_iam_role_policy_attachment"))
        .map((a) => a.policy_arn)
        .sort(),
    ).toEqual(["arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly", "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy"]);
  });

  it("gives the node role no permissions beyond the worker-node minimum (pods get their own roles)", () => {
    expect(resourcesOf(synth(), "aws_iam_role_policy")).toEqual({});
  });

  it("holds terminating self-managed nodes for the termination handler to drain, and tags them for it", () => {
    const asg = onlyResource(synth(), "aws_autoscaling_group");
    expect(asg.initial_lifecycle_hook).toEqual([
      {
        name: "drain-before-termination",
        lifecycle_transition: "autoscaling:EC2_INSTANCE_TERMINATING",
        heartbeat_timeout: 300,
        default_result: "CONTINUE",
      },
    ]);
    expect(asg.tag).toContainEqual({ key: "aws-node-termination-handler/fixture-bravo-eks", value: "true", propagate_at_launch: true });
    expect(onlyResource(synth({ drainTag: undefined }), "aws_autoscaling_group")).not.toHaveProperty("initial_lifecycle_hook");
  });

  it("pins a group to an older Kubernetes minor for a staged upgrade (AMI and managed version follow)", () => {
    const json = synth({
      selfManaged: { app: SelfManagedGroupSchema.parse({ kubernetesVersion: "1.34" }) },
      managed: { sys: ManagedGroupSchema.parse({ kubernetesVersion: "1.34" }) },
    });
    expect(onlyResource(json, "aws_eks_node_group")).toMatchObject({ version: "1.34", release_version: EKS_NODE_IMAGE_RELEASES["1.34"] });
    const template = resourcesOf(json, "aws_launch_template").workers_app_launch_template;
    const tag = `v${EKS_NODE_IMAGE_RELEASES["1.34"].split("-")[1]}`;
    expect(template.image_id).toBe(
      `resolve:ssm:/aws/service/eks/optimized-ami/1.34/amazon-linux-2023/x86_64/standard/amazon-eks-node-al2023-x86_64-standard-1.34-${tag}/image_id`,
    );
  });

  it("launches self-managed nodes from a template: one AL2023 release via SSM, IMDSv2, encrypted gp3, no public IP", () => {
    const lt = resourcesOf(
      synth({
        selfManaged: {
          app: SelfManagedGroupSchema.parse({ imageRelease: "1.35.2-20260301", architecture: "arm64", instanceType: "m7g.large" }),
        },
      }),
      "aws_launch_template",
    ).workers_app_launch_template;
    expect(lt).toMatchObject({
      name: "fixture-bravo-eks-app",
      image_id:
        "resolve:ssm:/aws/service/eks/optimized-ami/1.35/amazon-linux-2023/arm64/standard/amazon-eks-node-al2023-arm64-standard-1.35-v20260301/image_id",
      instance_type: "m7g.large",
    });
    expect(resourcesOf(synth(), "aws_launch_template").workers_app_launch_template).toMatchObject({
      name: "fixture-bravo-eks-app",
      image_id: `resolve:ssm:/aws/service/eks/optimized-ami/1.35/amazon-linux-2023/x86_64/standard/amazon-eks-node-al2023-x86_64-standard-1.35-v${EKS_NODE_IMAGE_RELEASES["1.35"].split("-")[1]}/image_id`,
      instance_type: "m5.large",
      iam_instance_profile: { arn: "${aws_iam_instance_profile.workers_node_instance_profile.arn}" },
      metadata_options: { http_endpoint: "enabled", http_tokens: "required", http_put_response_hop_limit: 1 },
      block_device_mappings: [{ device_name: "/dev/xvda", ebs: { volume_size: 50, volume_type: "gp3", encrypted: "true" } }],
      network_interfaces: [
        { associate_public_ip_address: "false", security_groups: ["${aws_security_group.workers_node_security_group.id}"] },
      ],
    });
    expect(lt).not.toHaveProperty("key_name");
    expect(lt.tag_specifications).toEqual(
      expect.arrayContaining([
        {
          resource_type: "instance",
          tags: {
            Project: "fixture",
            Environment: "bravo",
            "kubernetes.io/cluster/fixture-bravo-eks": "owned",
            Name: "fixture-bravo-eks-app",
          },
        },
      ]),
    );
  });

  it("passes cluster name, endpoint, CA and service CIDR to nodeadm, with the group's labels", () => {
    const text = nodeadmUserData(cluster, {
      labels: { workload: "app" },
      taints: [{ key: "dedicated", value: "app", effect: "NO_SCHEDULE" }],
    });
    expect(text).toContain("Content-Type: application/node.eks.aws");
    expect(text).toContain(
      [
        "apiVersion: node.eks.aws/v1alpha1",
        "kind: NodeConfig",
        "spec:",
        "  cluster:",
        "    name: fixture-bravo-eks",
        "    apiServerEndpoint: https://ABC.gr7.eu-west-1.eks.amazonaws.com",
        "    certificateAuthority: Q0FEQVRB",
        "    cidr: 172.20.0.0/16",
        "  kubelet:",
        "    flags:",
        "      - --node-labels=workload=app",
        "      - --register-with-taints=dedicated=app:NoSchedule",
      ].join("\n"),
    );
    expect(text).not.toContain('"');
    const lt = resourcesOf(synth(), "aws_launch_template").workers_app_launch_template;
    expect(lt.user_data).toMatch(/^\$\{base64encode\("MIME-Version: 1\.0/);
  });

  it("runs the autoscaling group in the private subnets with instance refresh and owned tags", () => {
    const asg = onlyResource(synth(), "aws_autoscaling_group");
    expect(asg).toMatchObject({
      name: "fixture-bravo-eks-app",
      min_size: 2,
      desired_capacity: 3,
      max_size: 6,
      vpc_zone_identifier: ["subnet-private-a", "subnet-private-b"],
      launch_template: {
        id: "${aws_launch_template.workers_app_launch_template.id}",
        version: "${aws_launch_template.workers_app_launch_template.latest_version}",
      },
      instance_refresh: { strategy: "Rolling" },
      lifecycle: { ignore_changes: ["desired_capacity"] },
    });
    expect(asg.tag).toEqual(
      expect.arrayContaining([{ key: "kubernetes.io/cluster/fixture-bravo-eks", value: "owned", propagate_at_launch: true }]),
    );
    expect(asg.depends_on).toContain("aws_eks_access_entry.workers_node_access_entry");
  });

  it("wires the node security group by reference: self, 1025-65535 and 443 from the cluster", () => {
    const json = synth();
    expect(onlyResource(json, "aws_security_group").tags).toMatchObject({ "kubernetes.io/cluster/fixture-bravo-eks": "owned" });
    const rules = ingressRules(json);
    const sg = "${aws_security_group.workers_node_security_group.id}";
    expect(rules.workers_node_from_self).toMatchObject({ security_group_id: sg, referenced_security_group_id: sg, ip_protocol: "-1" });
    expect(rules.workers_node_from_cluster).toMatchObject({
      security_group_id: sg,
      referenced_security_group_id: "sg-cluster",
      from_port: 1025,
      to_port: 65535,
    });
    expect(rules.workers_node_https_from_cluster).toMatchObject({
      security_group_id: sg,
      referenced_security_group_id: "sg-cluster",
      from_port: 443,
      to_port: 443,
    });
    expect(rules.workers_eks_primary_from_node).toMatchObject({ security_group_id: "sg-eks-primary", referenced_security_group_id: sg });
    expect(Object.values(rules).some((r) => r.from_port === 22)).toBe(false);
  });

  it("lets self-managed nodes join through an EC2_LINUX access entry (no aws-auth edits)", () => {
    expect(onlyResource(synth(), "aws_eks_access_entry")).toMatchObject({
      type: "EC2_LINUX",
      principal_arn: "${aws_iam_role.workers_node_role.arn}",
    });
  });

  it("defines managed node groups with AMI type, capacity, labels, taints and a hardened template", () => {
    const json = synth();
    const group = onlyResource(json, "aws_eks_node_group");
    expect(group).toMatchObject({
      node_group_name: "kube-system",
      cluster_name: "fixture-bravo-eks",
      version: "1.35",
      release_version: EKS_NODE_IMAGE_RELEASES["1.35"],
      ami_type: "AL2023_x86_64_STANDARD",
      capacity_type: "SPOT",
      instance_types: ["t3.medium", "t3a.medium"],
      subnet_ids: ["subnet-private-a", "subnet-private-b"],
      scaling_config: { min_size: 2, desired_size: 2, max_size: 4 },
      update_config: { max_unavailable_percentage: 33 },
      labels: { "node-role": "system" },
      taint: [{ key: "CriticalAddonsOnly", value: "true", effect: "PREFER_NO_SCHEDULE" }],
      lifecycle: { ignore_changes: ["scaling_config[0].desired_size"] },
    });
    const lt = resourcesOf(json, "aws_launch_template")["workers_kube-system_launch_template"];
    expect(lt).toMatchObject({ name: "fixture-bravo-eks-mng-kube-system", metadata_options: { http_tokens: "required" } });
    expect(lt).not.toHaveProperty("image_id");
    expect(lt).not.toHaveProperty("instance_type");
    expect(group).not.toHaveProperty("remote_access");
  });

  it("opens SSH only when asked, and only to the given CIDRs", () => {
    const json = synth({ ssh: { keyName: "ops", allowedCidrs: ["198.51.100.0/24"] } });
    expect(resourcesOf(json, "aws_launch_template").workers_app_launch_template.key_name).toBe("ops");
    expect(ingressRules(json).workers_node_ssh_198_51_100_0_24).toMatchObject({ cidr_ipv4: "198.51.100.0/24", from_port: 22, to_port: 22 });
  });

  it("creates no node role, and nothing else, without any group (Fargate-only and Auto Mode clusters)", () => {
    const json = synth({ selfManaged: {}, managed: {} });
    expect(json.resource ?? {}).toEqual({});
  });

  it("exposes no node role without groups, and the role every group uses otherwise", () => {
    let none: EksWorkerNodes | undefined;
    synthConstruct((scope) => {
      none = new EksWorkerNodes(scope, "workers", { ...props, selfManaged: {}, managed: {} });
    });
    expect(none?.role).toBeUndefined();
    expect(none?.roleArn).toBeUndefined();
    expect(none?.accessEntry).toBeUndefined();
    expect(none?.compute).toEqual([]);
    const managedOnly = synth({ selfManaged: {} });
    expect(Object.keys(resourcesOf(managedOnly, "aws_iam_role"))).toEqual(["workers_node_role"]);
    expect(onlyResource(managedOnly, "aws_eks_node_group").node_role_arn).toBe("${aws_iam_role.workers_node_role.arn}");
    // Managed nodes join through the access entry EKS creates for their group: none here.
    expect(resourcesOf(managedOnly, "aws_eks_access_entry")).toEqual({});
  });

  it("creates neither security group nor instance profile without self-managed groups", () => {
    const json = synth({ selfManaged: {} });
    expect(resourcesOf(json, "aws_security_group")).toEqual({});
    expect(resourcesOf(json, "aws_iam_instance_profile")).toEqual({});
    expect(Object.keys(resourcesOf(json, "aws_eks_node_group"))).toEqual(["workers_kube-system_node_group"]);
  });

  it("leaves Bottlerocket managed groups on EKS's release (the catalog lists AL2023 releases)", () => {
    const json = synth({ selfManaged: {}, managed: { br: ManagedGroupSchema.parse({ amiType: "BOTTLEROCKET_x86_64" }) } });
    expect(onlyResource(json, "aws_eks_node_group")).not.toHaveProperty("release_version");
  });

  describe("perZone groups", () => {
    const zoned = {
      subnetIds: ["subnet-a1", "subnet-b1", "subnet-c1", "subnet-a2"],
      subnetZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c", "eu-west-1a"],
    };

    it("gives a self-managed group one autoscaling group per zone, in that zone's subnets, sharing one launch template", () => {
      const json = synth({
        ...zoned,
        managed: {},
        selfManaged: { db: SelfManagedGroupSchema.parse({ perZone: true, minSize: 1, desiredSize: 1 }) },
      });
      expect(Object.keys(resourcesOf(json, "aws_launch_template"))).toEqual(["workers_db_launch_template"]);
      const asgs = resourcesOf(json, "aws_autoscaling_group");
      expect(Object.keys(asgs)).toEqual([
        "workers_db-a_autoscaling_group",
        "workers_db-b_autoscaling_group",
        "workers_db-c_autoscaling_group",
      ]);
      expect(asgs["workers_db-a_autoscaling_group"]).toMatchObject({
        name: "fixture-bravo-eks-db-a",
        min_size: 1,
        desired_capacity: 1,
        max_size: 3,
        vpc_zone_identifier: ["subnet-a1", "subnet-a2"],
        launch_template: { version: "${aws_launch_template.workers_db_launch_template.latest_version}" },
      });
      expect(asgs["workers_db-c_autoscaling_group"].vpc_zone_identifier).toEqual(["subnet-c1"]);
      expect(asgs["workers_db-b_autoscaling_group"].tag).toContainEqual({
        key: "Name",
        value: "fixture-bravo-eks-db-b",
        propagate_at_launch: true,
      });
    });

    it("gives a managed group one node group per zone, named with the zone letter", () => {
      const json = synth({ ...zoned, selfManaged: {}, managed: { db: ManagedGroupSchema.parse({ perZone: true }) } });
      const groups = resourcesOf(json, "aws_eks_node_group");
      expect(Object.values(groups).map((g) => [g.node_group_name, g.subnet_ids])).toEqual([
        ["db-a", ["subnet-a1", "subnet-a2"]],
        ["db-b", ["subnet-b1"]],
        ["db-c", ["subnet-c1"]],
      ]);
      expect(Object.keys(resourcesOf(json, "aws_launch_template"))).toEqual(["workers_db_launch_template"]);
      // One zone at a time: each zone's group waits for the previous one (an image change rolls zone by zone).
      expect(groups["workers_db-a_node_group"].depends_on ?? []).not.toContainEqual(expect.stringContaining("aws_eks_node_group."));
      expect(groups["workers_db-b_node_group"].depends_on).toContain("aws_eks_node_group.workers_db-a_node_group");
      expect(groups["workers_db-c_node_group"].depends_on).toContain("aws_eks_node_group.workers_db-b_node_group");
    });

    it("exposes every zone's group, for the termination queue and what waits for nodes", () => {
      let nodes: EksWorkerNodes | undefined;
      synthConstruct((scope) => {
        nodes = new EksWorkerNodes(scope, "workers", {
          ...props,
          ...zoned,
          selfManaged: { db: SelfManagedGroupSchema.parse({ perZone: true }) },
        });
      });
      expect(Object.keys(nodes!.autoscalingGroups)).toEqual(["fixture-bravo-eks-db-a", "fixture-bravo-eks-db-b", "fixture-bravo-eks-db-c"]);
      expect(nodes!.compute).toHaveLength(4); // three autoscaling groups and the kube-system node group
    });
  });

  it("refuses per-zone groups when the subnets and their zones do not pair up", () => {
    const bad = { subnetZones: ["eu-west-1a"], selfManaged: { db: SelfManagedGroupSchema.parse({ perZone: true }) } };
    expect(() => synth(bad)).toThrow(PropsError);
    expect(() => synth(bad)).toThrow(
      'EksWorkerNodes: subnetZones must give the zone of each of the 2 subnets for perZone groups (got ["eu-west-1a"])',
    );
    // Groups that are not per zone never read the zones.
    expect(() => synth({ subnetZones: ["eu-west-1a"] })).not.toThrow();
  });
});
