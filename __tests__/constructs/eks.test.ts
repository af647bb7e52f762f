import { describe, expect, it } from "vitest";
import { Eks, type EksProps } from "../../src/constructs/eks";
import { onlyResource, policyOf, resourcesOf, synthConstruct, type StackJson } from "../helpers/synth";

/** Props as env-def passes them for a minimal environment (the config's defaults), with `p` over them. */
function props(p: Partial<EksProps> = {}): EksProps {
  return {
    clusterName: "fixture-alpha-eks",
    kubernetesVersion: "1.35",
    supportType: "STANDARD",
    vpcId: "vpc-123",
    subnetIds: ["subnet-a", "subnet-b"],
    serviceIpv4Cidr: "172.20.0.0/16",
    endpointPublicAccess: false,
    publicAccessCidrs: [],
    authenticationMode: "API",
    apiAccess: { cidrs: [], securityGroupIds: [] },
    bootstrapClusterCreatorAdminPermissions: false,
    admins: {},
    viewers: {},
    roleName: "fixture-alpha-eks-cluster",
    logGroupName: "/aws/eks/fixture-alpha-eks/cluster",
    logRetentionDays: 365,
    secretsKeyDeletionWindowDays: 30,
    deleteTimeout: "30m",
    partition: "aws",
    ...p,
  };
}

function synth(p: Partial<EksProps> = {}, extra?: (eks: Eks) => void): StackJson {
  return synthConstruct((scope) => {
    const eks = new Eks(scope, "eks", props(p));
    extra?.(eks);
  });
}

describe("Eks", () => {
  it("defines the cluster role with AmazonEKSClusterPolicy, trusted by EKS only", () => {
    const json = synth();
    const role = onlyResource(json, "aws_iam_role");
    expect(role.name).toBe("fixture-alpha-eks-cluster");
    expect(policyOf(role.assume_role_policy).Statement).toEqual([
      { Effect: "Allow", Principal: { Service: "eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] },
    ]);
    expect(onlyResource(json, "aws_iam_role_policy_attachment")).toMatchObject({
      role: "${aws_iam_role.eks_cluster_role.name}",
      policy_arn: "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",
    });
  });

  it("keeps the API private, logs everything first, and encrypts Secrets", () => {
    const json = synth();
    const cluster = onlyResource(json, "aws_eks_cluster");
    expect(cluster).toMatchObject({
      name: "fixture-alpha-eks",
      version: "1.35",
      role_arn: "${aws_iam_role.eks_cluster_role.arn}",
      vpc_config: {
        subnet_ids: ["subnet-a", "subnet-b"],
        security_group_ids: ["${aws_security_group.eks_cluster_security_group.id}"],
        endpoint_private_access: true,
        endpoint_public_access: false,
      },
      kubernetes_network_config: { service_ipv4_cidr: "172.20.0.0/16", ip_family: "ipv4" },
      enabled_cluster_log_types: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
      encryption_config: { resources: ["secrets"], provider: { key_arn: "${aws_kms_key.eks_secrets_key.arn}" } },
      access_config: { authentication_mode: "API", bootstrap_cluster_creator_admin_permissions: false },
      upgrade_policy: { support_type: "STANDARD" },
      bootstrap_self_managed_addons: false,
      timeouts: { delete: "30m" },
      depends_on: ["aws_cloudwatch_log_group.eks_control_plane_logs", "aws_iam_role_policy_attachment.eks_cluster_policy"],
      lifecycle: { ignore_changes: ["access_config[0].bootstrap_cluster_creator_admin_permissions"] },
    });
    expect((cluster.vpc_config as Record<string, unknown>).public_access_cidrs).toBeUndefined();
    expect(onlyResource(json, "aws_cloudwatch_log_group")).toMatchObject({
      name: "/aws/eks/fixture-alpha-eks/cluster",
      retention_in_days: 365,
    });
    expect(onlyResource(json, "aws_kms_key")).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30 });
    expect(onlyResource(json, "aws_kms_alias").name).toBe("alias/fixture-alpha-eks-secrets");
  });

  it("opens the public endpoint only to the allow-list", () => {
    const cluster = onlyResource(
      synth({ endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"], supportType: "EXTENDED", deleteTimeout: "45m" }),
      "aws_eks_cluster",
    );
    expect(cluster).toMatchObject({
      vpc_config: { endpoint_private_access: true, endpoint_public_access: true, public_access_cidrs: ["203.0.113.0/24"] },
      upgrade_policy: { support_type: "EXTENDED" },
      timeouts: { delete: "45m" },
    });
  });

  it("writes the config's values as given: service CIDR, authentication, log retention, key deletion window", () => {
    const json = synth({
      serviceIpv4Cidr: "10.100.0.0/16",
      authenticationMode: "API_AND_CONFIG_MAP",
      bootstrapClusterCreatorAdminPermissions: true,
      logRetentionDays: 90,
      secretsKeyDeletionWindowDays: 7,
    });
    expect(onlyResource(json, "aws_eks_cluster")).toMatchObject({
      kubernetes_network_config: { service_ipv4_cidr: "10.100.0.0/16" },
      access_config: { authentication_mode: "API_AND_CONFIG_MAP", bootstrap_cluster_creator_admin_permissions: true },
    });
    expect(onlyResource(json, "aws_cloudwatch_log_group").retention_in_days).toBe(90);
    expect(onlyResource(json, "aws_kms_key").deletion_window_in_days).toBe(7);
  });

  it("grants each admin AmazonEKSClusterAdminPolicy through an access entry", () => {
    const json = synth({ authenticationMode: "API", admins: { ops: "arn:aws:iam::123456789012:role/ops" } });
    expect(onlyResource(json, "aws_eks_cluster").access_config).toEqual({
      authentication_mode: "API",
      bootstrap_cluster_creator_admin_permissions: false,
    });
    expect(onlyResource(json, "aws_eks_access_entry")).toMatchObject({
      cluster_name: "${aws_eks_cluster.eks.name}",
      principal_arn: "arn:aws:iam::123456789012:role/ops",
      type: "STANDARD",
    });
    expect(onlyResource(json, "aws_eks_access_policy_association")).toMatchObject({
      policy_arn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
      principal_arn: "${aws_eks_access_entry.eks_admin_ops.principal_arn}",
      access_scope: { type: "cluster" },
    });
  });

  it("grants each viewer AmazonEKSViewPolicy, never the admin policy", () => {
    const json = synth({ viewers: { audit: "arn:aws:iam::123456789012:role/audit" } });
    expect(onlyResource(json, "aws_eks_access_entry").principal_arn).toBe("arn:aws:iam::123456789012:role/audit");
    expect(onlyResource(json, "aws_eks_access_policy_association")).toMatchObject({
      policy_arn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
      principal_arn: "${aws_eks_access_entry.eks_viewer_audit.principal_arn}",
      access_scope: { type: "cluster" },
    });
  });

  it("creates the IRSA OIDC provider with the thumbprint of the project's program, run by node", () => {
    const json = synth();
    const provider = onlyResource(json, "aws_iam_openid_connect_provider");
    expect(provider).toMatchObject({
      url: "${aws_eks_cluster.eks.identity[0].oidc[0].issuer}",
      client_id_list: ["sts.amazonaws.com"],
      thumbprint_list: ['${data.external.eks_oidc_thumbprint.result["thumbprint"]}'],
    });
    const data = json.data?.external?.eks_oidc_thumbprint as { program: string[]; query: Record<string, string> };
    expect(data.query).toEqual({ issuer: "${aws_eks_cluster.eks.identity[0].oidc[0].issuer}" });
    expect(data.program[0]).toBe("node");
    expect(data.program[1]).toMatch(/^\$\{path\.module\}\/assets\/eks_thumbprint_program\/[0-9A-F]{32}\/oidc-thumbprint\.cjs$/);
  });

  it("allows HTTPS to the API from a security group by reference, never from its own", () => {
    const json = synth({}, (eks) => eks.allowApiAccessFrom("api_from_nodes", "sg-nodes", "Nodes reach the API"));
    expect(resourcesOf(json, "aws_vpc_security_group_ingress_rule").eks_api_from_nodes).toMatchObject({
      security_group_id: "${aws_security_group.eks_cluster_security_group.id}",
      referenced_security_group_id: "sg-nodes",
      ip_protocol: "tcp",
      from_port: 443,
      to_port: 443,
    });
  });

  it("adds managed add-ons at an explicit version, with an IRSA role and configuration when given", () => {
    const json = synth({}, (eks) => {
      eks.addAddon("vpc-cni", { version: "v1.19.2-eksbuild.1" });
      eks.addAddon("coredns", { version: "v1.12.1-eksbuild.2", configurationValues: { computeType: "fargate" } });
      eks.addAddon("aws-ebs-csi-driver", { version: "v1.50.1-eksbuild.1", serviceAccountRoleArn: "arn:aws:iam::1:role/ebs" });
    });
    const addons = resourcesOf(json, "aws_eks_addon");
    expect(Object.keys(addons).sort()).toEqual(["eks_addon_aws_ebs_csi_driver", "eks_addon_coredns", "eks_addon_vpc_cni"]);
    expect(addons.eks_addon_vpc_cni).toMatchObject({
      addon_name: "vpc-cni",
      addon_version: "v1.19.2-eksbuild.1",
      resolve_conflicts_on_create: "OVERWRITE",
      resolve_conflicts_on_update: "OVERWRITE",
    });
    expect(addons.eks_addon_coredns.configuration_values).toBe('{"computeType":"fargate"}');
    expect(addons.eks_addon_aws_ebs_csi_driver.service_account_role_arn).toBe("arn:aws:iam::1:role/ebs");
  });

  it("opens the API's port 443 to eks.apiAccess CIDRs and security groups on the cluster security group", () => {
    const rules = resourcesOf(
      synth({ apiAccess: { cidrs: ["10.99.0.0/24"], securityGroupIds: ["sg-0123456789abcdef0"] } }),
      "aws_vpc_security_group_ingress_rule",
    );
    const sg = "${aws_security_group.eks_cluster_security_group.id}";
    expect(rules.eks_api_from_cidr_10_99_0_0_24).toMatchObject({
      security_group_id: sg,
      cidr_ipv4: "10.99.0.0/24",
      ip_protocol: "tcp",
      from_port: 443,
      to_port: 443,
    });
    expect(rules.eks_api_from_group_sg_0123456789abcdef0).toMatchObject({
      security_group_id: sg,
      referenced_security_group_id: "sg-0123456789abcdef0",
      from_port: 443,
    });
    expect(Object.keys(resourcesOf(synth(), "aws_vpc_security_group_ingress_rule"))).toEqual([]);
  });

  it("keys each allow-list rule by its CIDR or group: removing one entry leaves the others' addresses, and state moves from list positions", () => {
    const both = synth({ apiAccess: { cidrs: ["10.98.0.0/24", "10.99.0.0/24"], securityGroupIds: [] } });
    const second = synth({ apiAccess: { cidrs: ["10.99.0.0/24"], securityGroupIds: [] } });
    const addressOf = (json: StackJson) =>
      Object.entries(resourcesOf(json, "aws_vpc_security_group_ingress_rule"))
        .filter(([, r]) => r.cidr_ipv4 === "10.99.0.0/24")
        .map(([k]) => k);
    expect(addressOf(second)).toEqual(addressOf(both));
    expect(both.moved).toEqual([
      {
        from: "aws_vpc_security_group_ingress_rule.eks_api_from_cidr_0",
        to: "aws_vpc_security_group_ingress_rule.eks_api_from_cidr_10_98_0_0_24",
      },
      {
        from: "aws_vpc_security_group_ingress_rule.eks_api_from_cidr_1",
        to: "aws_vpc_security_group_ingress_rule.eks_api_from_cidr_10_99_0_0_24",
      },
    ]);
  });
});

describe("Eks with Auto Mode", () => {
  it("turns on compute, block storage and load balancing, with the cluster and node roles Auto Mode needs", () => {
    const json = synth({ autoMode: { nodePools: ["general-purpose", "system"], nodeRoleName: "fixture-alpha-eks-auto-node" } });
    const cluster = onlyResource(json, "aws_eks_cluster");
    expect(cluster.compute_config).toEqual({
      enabled: true,
      node_pools: ["general-purpose", "system"],
      node_role_arn: "${aws_iam_role.eks_auto_node_role.arn}",
    });
    expect(cluster.storage_config).toEqual({ block_storage: { enabled: true } });
    expect((cluster.kubernetes_network_config as Record<string, unknown>).elastic_load_balancing).toEqual({ enabled: true });
    expect(cluster.bootstrap_self_managed_addons).toBe(false);
    const attached = Object.values(resourcesOf(json, "aws_iam_role_policy_attachment")) as { role: string; policy_arn: string }[];
    const policiesOf = (role: string) =>
      attached
        .filter((a) => a.role === role)
        .map((a) => a.policy_arn.split("/").pop())
        .sort();
    expect(policiesOf("${aws_iam_role.eks_cluster_role.name}")).toEqual([
      "AmazonEKSBlockStoragePolicy",
      "AmazonEKSClusterPolicy",
      "AmazonEKSComputePolicy",
      "AmazonEKSLoadBalancingPolicy",
      "AmazonEKSNetworkingPolicy",
    ]);
    expect(policiesOf("${aws_iam_role.eks_auto_node_role.name}")).toEqual([
      "AmazonEC2ContainerRegistryPullOnly",
      "AmazonEKSWorkerNodeMinimalPolicy",
    ]);
    const trust = JSON.parse(resourcesOf(json, "aws_iam_role").eks_auto_node_role.assume_role_policy as string) as { Statement: object[] };
    expect(trust.Statement[0]).toMatchObject({ Principal: { Service: "ec2.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] });
    // The cluster waits for its role's policies.
    expect(cluster.depends_on).toEqual(expect.arrayContaining(["aws_iam_role_policy_attachment.eks_cluster_AmazonEKSComputePolicy"]));
  });
});
