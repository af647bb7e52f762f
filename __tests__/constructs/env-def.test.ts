import { describe, expect, it } from "vitest";
import { EKS_ADDON_VERSIONS, type EksAddonName } from "../../src/lib/eks-addons";
import { existingVpcInput, fixtureEnv, karpenterFixture, policyOf, resourcesOf, synthEnv, testEnv, type StackJson } from "../helpers/synth";

/** Production tier: node groups of both kinds, customer-keyed logs, one NAT gateway per zone (three zones). */
const bravo = synthEnv(await fixtureEnv("bravo")).json.platform;
/** Fargate only, a CI plan role, one shared NAT gateway. */
const alpha = synthEnv(await fixtureEnv("alpha")).json.platform;

/** Every string in the stack that mentions `text`. */
function mentions(json: StackJson, text: string): number {
  return JSON.stringify(json).split(text).length - 1;
}

describe("EnvDef", () => {
  it("gives the CI plan role no access to the cluster: pull requests plan no in-cluster objects", () => {
    // alpha's CI has a plan role (fixture-alpha-ci-plan) and viewers of its own.
    const entries = Object.values(resourcesOf(alpha, "aws_eks_access_entry") ?? {}).map((e) => String(e.principal_arn));
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.filter((arn) => arn.includes("ci-plan"))).toEqual([]);
    expect(mentions(alpha, "fixture-alpha-ci-plan")).toBe(0);
  });

  it("computes the cluster name once and uses it for the cluster, tags, roles, user data and Fargate trust", () => {
    const name = "fixture-bravo-eks";
    expect(resourcesOf(bravo, "aws_eks_cluster").eks.name).toBe(name);
    expect(resourcesOf(bravo, "aws_vpc").vpc.tags).toMatchObject({ [`kubernetes.io/cluster/${name}`]: "shared" });
    for (const subnet of Object.values(resourcesOf(bravo, "aws_subnet"))) {
      expect(subnet.tags).toMatchObject({ [`kubernetes.io/cluster/${name}`]: "shared" });
    }
    expect(resourcesOf(bravo, "aws_security_group").workers_node_security_group.tags).toMatchObject({
      [`kubernetes.io/cluster/${name}`]: "owned",
    });
    expect(resourcesOf(bravo, "aws_launch_template").workers_app_launch_template.user_data).toContain(`name: ${name}`);
    expect(resourcesOf(bravo, "aws_iam_role").fargate_pod_execution_role.assume_role_policy).toContain(`fargateprofile/${name}/*`);
    expect(
      Object.values(resourcesOf(bravo, "aws_iam_role"))
        .map((r) => r.name)
        .sort(),
    ).toEqual([
      "fixture-bravo-app",
      "fixture-bravo-eks-aws-lb-controller",
      "fixture-bravo-eks-cluster",
      "fixture-bravo-eks-cluster-autoscaler",
      "fixture-bravo-eks-ebs-csi-driver",
      "fixture-bravo-eks-fargate-pods",
      "fixture-bravo-eks-node",
      "fixture-bravo-eks-node-termination",
      "fixture-bravo-eks-vpc-cni",
      "fixture-bravo-vpc-flow-logs",
    ]);
    // Fargate only: no EC2 node, so no node role.
    expect(
      Object.values(resourcesOf(alpha, "aws_iam_role"))
        .map((r) => r.name)
        .sort(),
    ).toEqual([
      "fixture-alpha-app",
      "fixture-alpha-eks-aws-lb-controller",
      "fixture-alpha-eks-cluster",
      "fixture-alpha-eks-fargate-pods",
      "fixture-alpha-eks-vpc-cni",
      "fixture-alpha-vpc-flow-logs",
    ]);
    // No other spelling of a cluster name anywhere.
    expect(mentions(bravo, "fixture-bravo-ekscluster")).toBe(0);
  });

  it("lets the nodes reach the API: 443 on the cluster group from the node group, by reference", () => {
    const rule = resourcesOf(bravo, "aws_vpc_security_group_ingress_rule").eks_api_from_nodes;
    expect(rule).toMatchObject({
      security_group_id: "${aws_security_group.eks_cluster_security_group.id}",
      referenced_security_group_id: "${aws_security_group.workers_node_security_group.id}",
      from_port: 443,
      to_port: 443,
    });
    // The first blog post's bug: a rule whose source is the cluster's own group.
    expect(rule.referenced_security_group_id).not.toBe(rule.security_group_id);
  });

  it("gives the app its own IRSA role, scoped to exactly its tables, their indexes and their key, and none to the nodes", () => {
    const app = resourcesOf(bravo, "aws_iam_role").app_role;
    expect(app.assume_role_policy).toContain('"system:serviceaccount:default:app"');
    expect(app.assume_role_policy).toContain('"sts:AssumeRoleWithWebIdentity"');
    const policy = policyOf(resourcesOf(bravo, "aws_iam_role_policy").app_policy.policy);
    expect(policy.Statement[0].Resource).toEqual([
      "${aws_dynamodb_table.tables_carts.arn}",
      "${aws_dynamodb_table.tables_customers.arn}",
      "${aws_dynamodb_table.tables_orders.arn}",
      "${aws_dynamodb_table.tables_orders.arn}/index/ByCustomer",
    ]);
    expect(policy.Statement[1]).toEqual({
      Sid: "AppTablesKeyThroughDynamoDB",
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
      Resource: "${aws_kms_key.tables_key.arn}",
      Condition: { StringEquals: { "kms:ViaService": "dynamodb.us-east-2.amazonaws.com" } },
    });
    expect(Object.keys(resourcesOf(bravo, "aws_iam_role_policy")).filter((k) => k.startsWith("workers_"))).toEqual([]);
  });

  it("gives the VPC CNI its own IRSA role with AmazonEKS_CNI_Policy, trusted by kube-system/aws-node only", async () => {
    for (const json of [bravo, alpha]) {
      const trust = resourcesOf(json, "aws_iam_role").vpc_cni_role.assume_role_policy as string;
      // One statement: the cluster's OIDC provider, for the one service account, with the STS audience.
      expect(trust.split('"Effect"')).toHaveLength(2);
      expect(trust).toContain('"Federated":"${aws_iam_openid_connect_provider.eks_oidc_provider.arn}"');
      expect(trust).toContain('"Action":"sts:AssumeRoleWithWebIdentity"');
      expect(trust).toContain(':sub":"system:serviceaccount:kube-system:aws-node"');
      expect(trust).toContain(':aud":"sts.amazonaws.com"');
      const attachments = Object.values(resourcesOf(json, "aws_iam_role_policy_attachment")).filter(
        (a) => a.role === "${aws_iam_role.vpc_cni_role.name}",
      );
      expect(attachments.map((a) => a.policy_arn)).toEqual([
        "arn:${data.aws_partition.partition.partition}:iam::aws:policy/AmazonEKS_CNI_Policy",
      ]);
      expect(resourcesOf(json, "aws_iam_role_policy")).not.toHaveProperty("vpc_cni_policy");
      expect(resourcesOf(json, "aws_eks_addon").eks_addon_vpc_cni.service_account_role_arn).toBe("${aws_iam_role.vpc_cni_role.arn}");
    }
    expect(resourcesOf(bravo, "aws_iam_role").vpc_cni_role.name).toBe("fixture-bravo-eks-vpc-cni");
    // No other role holds the CNI policy, the node role included.
    const cniHolders = Object.values(resourcesOf(bravo, "aws_iam_role_policy_attachment"))
      .filter((a) => String(a.policy_arn).endsWith("/AmazonEKS_CNI_Policy"))
      .map((a) => a.role);
    expect(cniHolders).toEqual(["${aws_iam_role.vpc_cni_role.name}"]);
    // Auto Mode installs no vpc-cni add-on, so no role for it.
    const charlie = synthEnv(await fixtureEnv("charlie")).json.platform;
    expect(resourcesOf(charlie, "aws_eks_addon")).not.toHaveProperty("eks_addon_vpc_cni");
    expect(resourcesOf(charlie, "aws_iam_role")).not.toHaveProperty("vpc_cni_role");
  });

  it("pins every add-on to the table's version for the cluster's Kubernetes version", () => {
    const versions = Object.fromEntries(
      Object.values(resourcesOf(bravo, "aws_eks_addon")).map((a) => [a.addon_name as string, a.addon_version] as const),
    );
    expect(versions).toEqual(EKS_ADDON_VERSIONS["1.35"]);
    const older = synthEnv(testEnv({ eks: { kubernetesVersion: "1.34" }, nodeGroups: { managed: { sys: {} } } })).json.platform;
    for (const a of Object.values(resourcesOf(older, "aws_eks_addon"))) {
      expect(a.addon_version).toBe(EKS_ADDON_VERSIONS["1.34"][a.addon_name as EksAddonName]);
    }
    expect(resourcesOf(older, "aws_eks_addon").eks_addon_aws_ebs_csi_driver.service_account_role_arn).toBe(
      "${aws_iam_role.ebs_csi_driver_role.arn}",
    );
  });

  it("runs CoreDNS on Fargate when the environment has no node groups", () => {
    expect(resourcesOf(alpha, "aws_eks_addon").eks_addon_coredns).toMatchObject({
      configuration_values: '{"computeType":"fargate"}',
      depends_on: [
        "aws_eks_fargate_profile.fargate_profile_apps",
        "aws_eks_fargate_profile.fargate_profile_aws-lb-controller",
        "aws_eks_fargate_profile.fargate_profile_coredns",
        "aws_eks_fargate_profile.fargate_profile_metrics-server",
      ],
    });
    expect(resourcesOf(alpha, "aws_eks_fargate_profile").fargate_profile_coredns.selector).toEqual([
      { namespace: "kube-system", labels: { "k8s-app": "kube-dns" } },
    ]);
    expect(resourcesOf(alpha, "aws_eks_addon")).not.toHaveProperty("eks_addon_eks_pod_identity_agent");
  });

  it("starts CoreDNS on node groups after the nodes, and the nodes after the networking add-ons", () => {
    const addons = resourcesOf(bravo, "aws_eks_addon");
    expect(addons.eks_addon_coredns).not.toHaveProperty("configuration_values");
    expect(addons.eks_addon_coredns.depends_on).toEqual(
      expect.arrayContaining(["aws_autoscaling_group.workers_app_autoscaling_group", "aws_eks_node_group.workers_system_node_group"]),
    );
    expect(Object.keys(addons)).toContain("eks_addon_eks_pod_identity_agent");
    expect(resourcesOf(bravo, "aws_autoscaling_group").workers_app_autoscaling_group.depends_on).toEqual(
      expect.arrayContaining([
        "aws_eks_addon.eks_addon_vpc_cni",
        "aws_eks_addon.eks_addon_kube_proxy",
        "aws_eks_access_entry.workers_node_access_entry",
      ]),
    );
    expect(resourcesOf(bravo, "aws_eks_fargate_profile")).not.toHaveProperty("fargate_profile_coredns");
  });

  it("encrypts the log groups with a key CloudWatch Logs of the account may use, when asked", () => {
    const key = resourcesOf(bravo, "aws_kms_key").log_key;
    const policy = policyOf(key.policy);
    expect(policy.Statement[1]).toMatchObject({
      Principal: { Service: "logs.us-east-2.amazonaws.com" },
      Condition: {
        ArnLike: {
          "kms:EncryptionContext:aws:logs:arn": "arn:${data.aws_partition.partition.partition}:logs:us-east-2:555555555555:log-group:*",
        },
      },
    });
    for (const group of Object.values(resourcesOf(bravo, "aws_cloudwatch_log_group")))
      expect(group.kms_key_id).toBe("${aws_kms_key.log_key.arn}");
    for (const group of Object.values(resourcesOf(alpha, "aws_cloudwatch_log_group"))) expect(group).not.toHaveProperty("kms_key_id");
  });

  it("follows the tier: one NAT per zone in production, one shared in development", () => {
    expect(Object.keys(resourcesOf(bravo, "aws_nat_gateway"))).toHaveLength(3);
    expect(Object.keys(resourcesOf(alpha, "aws_nat_gateway"))).toHaveLength(1);
    const computed = synthEnv(testEnv({ tier: "production" })).json.platform;
    expect(Object.keys(resourcesOf(computed, "aws_nat_gateway"))).toHaveLength(2);
  });

  it("computes literal subnet CIDRs from the VPC CIDR", () => {
    const subnets = resourcesOf(alpha, "aws_subnet");
    expect(Object.fromEntries(Object.entries(subnets).map(([k, v]) => [k, v.cidr_block]))).toEqual({
      vpc_private_a: "10.40.0.0/19",
      vpc_private_b: "10.40.32.0/19",
      vpc_public_a: "10.40.224.0/22",
      vpc_public_b: "10.40.228.0/22",
    });
  });
});

/** Karpenter's controller on its node group (delta) and on Fargate (echo), both from alpha. */
const delta = synthEnv(await karpenterFixture("nodeGroup")).json;
const echo = synthEnv(await karpenterFixture("fargate")).json;

describe("EnvDef with Karpenter", () => {
  const roleNames = (json: { platform: StackJson }) =>
    Object.values(resourcesOf(json.platform, "aws_iam_role"))
      .map((r) => r.name)
      .sort();

  it("adds the controller's role and the node role, and no cluster autoscaler", () => {
    expect(roleNames(delta)).toEqual([
      "fixture-delta-app",
      "fixture-delta-eks-aws-lb-controller",
      "fixture-delta-eks-cluster",
      "fixture-delta-eks-ebs-csi-driver",
      "fixture-delta-eks-fargate-pods",
      "fixture-delta-eks-karpenter",
      "fixture-delta-eks-karpenter-node",
      "fixture-delta-eks-node",
      "fixture-delta-eks-vpc-cni",
      "fixture-delta-vpc-flow-logs",
    ]);
    // On Fargate: no EC2 node of its own, so no worker node role and no EBS CSI driver.
    expect(roleNames(echo)).toEqual([
      "fixture-echo-app",
      "fixture-echo-eks-aws-lb-controller",
      "fixture-echo-eks-cluster",
      "fixture-echo-eks-fargate-pods",
      "fixture-echo-eks-karpenter",
      "fixture-echo-eks-karpenter-node",
      "fixture-echo-eks-vpc-cni",
      "fixture-echo-vpc-flow-logs",
    ]);
    expect(delta.platform.output?.irsa_role_arns.value).toMatchObject({ karpenter: "${aws_iam_role.karpenter_controller_role.arn}" });
  });

  it("runs the controller on a managed node group of two fixed nodes that workloads avoid once Karpenter has nodes", () => {
    const group = resourcesOf(delta.platform, "aws_eks_node_group").workers_karpenter_node_group;
    expect(group).toMatchObject({
      node_group_name: "karpenter",
      node_role_arn: "${aws_iam_role.workers_node_role.arn}",
      instance_types: ["t3.medium"],
      capacity_type: "ON_DEMAND",
      scaling_config: { min_size: 2, desired_size: 2, max_size: 2 },
      taint: [{ key: "CriticalAddonsOnly", value: "true", effect: "PREFER_NO_SCHEDULE" }],
    });
    // With EC2 nodes from the start, CoreDNS runs on them: no kube-system Fargate profiles.
    expect(Object.keys(resourcesOf(delta.platform, "aws_eks_fargate_profile"))).toEqual(["fargate_profile_apps"]);
    expect(resourcesOf(delta.platform, "aws_eks_addon")).toHaveProperty("eks_addon_aws_ebs_csi_driver");
  });

  it("or on Fargate, with a profile selecting only its pods", () => {
    expect(resourcesOf(echo.platform, "aws_eks_node_group")).toEqual({});
    expect(resourcesOf(echo.platform, "aws_eks_fargate_profile").fargate_profile_karpenter).toMatchObject({
      fargate_profile_name: "karpenter",
      selector: [{ namespace: "kube-system", labels: { "app.kubernetes.io/name": "karpenter" } }],
    });
    expect(Object.keys(resourcesOf(echo.platform, "aws_eks_fargate_profile")).sort()).toEqual([
      "fargate_profile_apps",
      "fargate_profile_aws-lb-controller",
      "fargate_profile_coredns",
      "fargate_profile_karpenter",
      "fargate_profile_metrics-server",
    ]);
  });
});

describe("EnvDef in an existing VPC", () => {
  const existing = existingVpcInput();
  const privateIds = existing.privateSubnets.map((s) => s.id);
  const env = testEnv({
    vpc: { existing },
    nodeGroups: { selfManaged: { app: {} }, managed: { sys: {} } },
    fargate: { profiles: { apps: { selectors: [{ namespace: "default" }] } } },
    workloads: { loadBalancerController: true },
  });
  const { json, stacks } = synthEnv(env);
  const platform = json.platform;

  it("creates no VPC, subnet, gateway, route table or default security group of its own", () => {
    const network = [
      "aws_vpc",
      "aws_subnet",
      "aws_internet_gateway",
      "aws_nat_gateway",
      "aws_eip",
      "aws_route_table",
      "aws_route_table_association",
      "aws_default_security_group",
    ];
    expect(Object.keys(platform.resource ?? {}).filter((t) => network.includes(t))).toEqual([]);
  });

  it("puts the control plane, both kinds of node group and the Fargate profiles in the private subnets, in the given VPC", () => {
    expect(resourcesOf(platform, "aws_eks_cluster").eks.vpc_config).toMatchObject({ subnet_ids: privateIds });
    expect(resourcesOf(platform, "aws_eks_node_group").workers_sys_node_group.subnet_ids).toEqual(privateIds);
    expect(resourcesOf(platform, "aws_autoscaling_group").workers_app_autoscaling_group.vpc_zone_identifier).toEqual(privateIds);
    for (const profile of Object.values(resourcesOf(platform, "aws_eks_fargate_profile"))) expect(profile.subnet_ids).toEqual(privateIds);
    for (const sg of Object.values(resourcesOf(platform, "aws_security_group"))) expect(sg.vpc_id).toBe(existing.vpcId);
    expect(resourcesOf(platform, "aws_flow_log").vpc_flow_log.vpc_id).toBe(existing.vpcId);
    const controller = JSON.stringify(policyOf(resourcesOf(platform, "aws_iam_role_policy").lb_controller_policy.policy));
    expect(controller).toContain(`vpc/${existing.vpcId}`);
  });

  it("hands the given ids to the outputs and the workloads stack", () => {
    expect(platform.output?.vpc_id.value).toBe(existing.vpcId);
    expect(platform.output?.private_subnet_ids.value).toEqual(privateIds);
    expect(platform.output?.public_subnet_ids.value).toEqual(existing.publicSubnets.map((s) => s.id));
    expect(stacks.platform.envDef.vpc.vpcId).toBe(existing.vpcId);
    expect(JSON.stringify(json.workloads)).toContain(existing.vpcId);
  });

  it("tags the subnets for EKS when asked, and leaves their tags alone when they are present", () => {
    expect(Object.keys(resourcesOf(platform, "aws_ec2_tag"))).toHaveLength(8);
    const present = synthEnv(testEnv({ vpc: { existing: existingVpcInput({ discoveryTags: "present" }) } })).json.platform;
    expect(resourcesOf(present, "aws_ec2_tag")).toEqual({});
  });
});
