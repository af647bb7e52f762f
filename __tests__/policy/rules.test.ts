/**
 * Every rule of the pack on a compliant and a non-compliant fixture (small synthesized-JSON
 * stacks), with the exact detail of the violation.
 */
import { describe, expect, it } from "vitest";
import { evaluateStack } from "../../src/policy/pack";
import { ALL_RULES } from "../../src/policy/rules";
import type { PolicyRule } from "../../src/policy/types";
import { stringify } from "yaml";
import { ec2NodeClass, nodePool, type NodePoolOptions } from "../../src/constructs/karpenter/node-pool";

type Resources = Record<string, Record<string, unknown>>;

/** A stack JSON from `{ "aws_x.name": config }`. */
function stack(resources: Resources): Record<string, unknown> {
  const resource: Record<string, Record<string, unknown>> = {};
  for (const [address, config] of Object.entries(resources)) {
    const [type, name] = address.split(".");
    (resource[type] ??= {})[name] = config;
  }
  return { resource };
}

const policy = (statements: unknown[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });

/** A VPC with one private and one public subnet, for the subnet rules. */
const network: Resources = {
  "aws_internet_gateway.igw": { vpc_id: "${aws_vpc.vpc.id}" },
  "aws_subnet.private_a": { cidr_block: "10.0.0.0/19", map_public_ip_on_launch: false },
  "aws_subnet.public_a": { cidr_block: "10.0.224.0/22", map_public_ip_on_launch: false },
  "aws_route_table.public": { route: [{ cidr_block: "0.0.0.0/0", gateway_id: "${aws_internet_gateway.igw.id}" }] },
  "aws_route_table_association.public_a": { subnet_id: "${aws_subnet.public_a.id}", route_table_id: "${aws_route_table.public.id}" },
};
const privateIds = ["${aws_subnet.private_a.id}"];
const publicIds = ["${aws_subnet.public_a.id}"];

const cluster = {
  name: "c",
  version: "1.35",
  vpc_config: { endpoint_private_access: true, endpoint_public_access: false },
  enabled_cluster_log_types: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
  encryption_config: { resources: ["secrets"], provider: { key_arn: "${aws_kms_key.k.arn}" } },
  access_config: { authentication_mode: "API", bootstrap_cluster_creator_admin_permissions: false },
  depends_on: ["aws_cloudwatch_log_group.cp"],
};
const clusterLogs = { "aws_cloudwatch_log_group.cp": { name: "/aws/eks/c/cluster", retention_in_days: 365 } };
const template = {
  metadata_options: { http_endpoint: "enabled", http_tokens: "required", http_put_response_hop_limit: 1 },
  block_device_mappings: [{ device_name: "/dev/xvda", ebs: { encrypted: "true", volume_type: "gp3" } }],
  network_interfaces: [{ associate_public_ip_address: "false" }],
  user_data: '${base64encode("MIME-Version: 1.0")}',
};
const bucket: Resources = {
  "aws_s3_bucket.b": { bucket: "b", lifecycle: { prevent_destroy: true } },
  "aws_s3_bucket_versioning.v": { bucket: "${aws_s3_bucket.b.id}", versioning_configuration: { status: "Enabled" } },
  "aws_s3_bucket_server_side_encryption_configuration.e": {
    bucket: "${aws_s3_bucket.b.id}",
    rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: "${aws_kms_key.k.arn}" } }],
  },
  "aws_s3_bucket_public_access_block.p": {
    bucket: "${aws_s3_bucket.b.id}",
    block_public_acls: true,
    block_public_policy: true,
    ignore_public_acls: true,
    restrict_public_buckets: true,
  },
  "aws_s3_bucket_policy.tls": {
    bucket: "${aws_s3_bucket.b.id}",
    policy: policy([
      {
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: ["${aws_s3_bucket.b.arn}"],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ]),
  },
  "aws_s3_bucket_ownership_controls.o": { bucket: "${aws_s3_bucket.b.id}", rule: { object_ownership: "BucketOwnerEnforced" } },
  "aws_s3_bucket_lifecycle_configuration.l": {
    bucket: "${aws_s3_bucket.b.id}",
    rule: [
      {
        status: "Enabled",
        noncurrent_version_expiration: [{ noncurrent_days: 90 }],
        abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
      },
    ],
  },
};
const without = (r: Resources, key: string): Resources => Object.fromEntries(Object.entries(r).filter(([k]) => k !== key));
const table = {
  name: "t",
  point_in_time_recovery: { enabled: true },
  server_side_encryption: { enabled: true, kms_key_arn: "${aws_kms_key.k.arn}" },
  deletion_protection_enabled: true,
};
const repo = {
  name: "r",
  image_scanning_configuration: { scan_on_push: true },
  image_tag_mutability: "IMMUTABLE",
  encryption_configuration: [{ encryption_type: "KMS", kms_key: "${aws_kms_key.k.arn}" }],
};
const irsaTrust = (cond: Record<string, unknown>) =>
  policy([{ Effect: "Allow", Principal: { Federated: "${x.arn}" }, Action: "sts:AssumeRoleWithWebIdentity", Condition: cond }]);
const host = '${replace(data.terraform_remote_state.p.outputs.issuer, "https://", "")}';
const serviceTrust = (service: string) => policy([{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }]);

interface Case {
  readonly rule: string;
  readonly stack?: string;
  readonly ok: Resources;
  readonly bad: Resources;
  /** The violation's detail on the bad fixture. */
  readonly detail: string;
}

/** Karpenter's objects as the workloads stack installs them: releases of the one-object chart. */
const poolOptions: NodePoolOptions = {
  instanceCategories: ["c", "m", "r"],
  capacityTypes: ["spot", "on-demand"],
  architectures: ["amd64"],
  cpuLimit: 100,
  consolidationPolicy: "WhenEmptyOrUnderutilized",
  consolidateAfter: "1m",
  expireAfter: "720h",
};
const objectRelease = (manifest: unknown) => ({ chart: "${path.module}/assets/x", values: [stringify({ manifest })] });
const poolRelease = (o: Partial<NodePoolOptions> = {}) => ({
  "helm_release.pool": objectRelease(nodePool("default", "default", { ...poolOptions, ...o })),
});
const goodClass = ec2NodeClass("default", {
  roleName: "n",
  amiAlias: "al2023@v20260714",
  subnetIds: ["s"],
  securityGroupIds: ["g"],
  rootVolumeGib: 50,
});

const cases: Case[] = [
  {
    rule: "EKS-001",
    ok: { "aws_eks_cluster.c": cluster },
    bad: {
      "aws_eks_cluster.c": {
        ...cluster,
        vpc_config: { endpoint_private_access: true, endpoint_public_access: true, public_access_cidrs: ["0.0.0.0/0"] },
      },
    },
    detail: "has a public endpoint open to 0.0.0.0/0",
  },
  {
    rule: "EKS-002",
    ok: { "aws_eks_cluster.c": cluster },
    bad: { "aws_eks_cluster.c": { ...cluster, encryption_config: undefined } },
    detail: "has no encryption_config",
  },
  {
    rule: "EKS-003",
    ok: { "aws_eks_cluster.c": cluster },
    bad: { "aws_eks_cluster.c": { ...cluster, enabled_cluster_log_types: ["api", "audit"] } },
    detail: "does not log authenticator, controllerManager, scheduler",
  },
  {
    rule: "EKS-004",
    ok: { "aws_eks_cluster.c": cluster },
    bad: { "aws_eks_cluster.c": { ...cluster, version: "1.14" } },
    detail: 'pins "1.14", which is not a supported EKS version; use one of 1.32, 1.33, 1.34, 1.35',
  },
  {
    rule: "EKS-005",
    ok: { "aws_eks_cluster.c": cluster },
    bad: {
      "aws_eks_cluster.c": {
        ...cluster,
        vpc_config: { endpoint_private_access: false, endpoint_public_access: true, public_access_cidrs: ["203.0.113.0/24"] },
      },
    },
    detail: "does not turn the private endpoint on",
  },
  {
    rule: "EKS-006",
    ok: { "aws_eks_cluster.c": cluster },
    bad: {
      "aws_eks_cluster.c": { ...cluster, access_config: { authentication_mode: "API", bootstrap_cluster_creator_admin_permissions: true } },
    },
    detail: "gives the cluster creator admin rights (bootstrap_cluster_creator_admin_permissions is not false)",
  },
  {
    rule: "EKS-007",
    ok: { "aws_eks_cluster.c": cluster, ...clusterLogs },
    bad: { "aws_eks_cluster.c": { ...cluster, depends_on: [] }, ...clusterLogs },
    detail: "does not depend on aws_cloudwatch_log_group.cp",
  },
  {
    rule: "EKS-008",
    ok: {
      "aws_eks_cluster.c": {
        ...cluster,
        compute_config: { enabled: true, node_pools: ["general-purpose"], node_role_arn: "arn:aws:iam::1:role/n" },
        storage_config: { block_storage: { enabled: true } },
        kubernetes_network_config: { elastic_load_balancing: { enabled: true } },
      },
    },
    bad: { "aws_eks_cluster.c": { ...cluster, compute_config: { enabled: true, node_pools: ["system"], node_role_arn: "r" } } },
    detail: "turns Auto Mode on only partly (compute true, block storage false, load balancing false)",
  },
  {
    rule: "LT-001",
    ok: { "aws_launch_template.t": template },
    bad: { "aws_launch_template.t": { ...template, metadata_options: { http_tokens: "optional", http_put_response_hop_limit: 1 } } },
    detail: 'sets http_tokens to "optional"',
  },
  {
    rule: "LT-002",
    ok: { "aws_launch_template.t": template },
    bad: { "aws_launch_template.t": { ...template, metadata_options: { http_tokens: "required", http_put_response_hop_limit: 2 } } },
    detail: "sets http_put_response_hop_limit to 2",
  },
  {
    rule: "LT-003",
    ok: { "aws_launch_template.t": template },
    bad: { "aws_launch_template.t": { ...template, block_device_mappings: [{ device_name: "/dev/xvda", ebs: { volume_type: "gp3" } }] } },
    detail: "leaves /dev/xvda unencrypted",
  },
  {
    rule: "LT-004",
    ok: { "aws_launch_template.t": template },
    bad: { "aws_launch_template.t": { ...template, network_interfaces: [{ associate_public_ip_address: "true" }] } },
    detail: "associates a public IP address",
  },
  {
    rule: "LT-005",
    ok: { "aws_launch_template.t": template },
    bad: { "aws_launch_template.t": { ...template, user_data: "export AWS_ACCESS_KEY_ID=AKIAABCDEFGHIJKLMNOP" } },
    detail: "has an AWS access key id in its user data",
  },
  {
    rule: "NG-001",
    ok: { ...network, "aws_eks_node_group.g": { subnet_ids: privateIds } },
    bad: { ...network, "aws_eks_node_group.g": { subnet_ids: publicIds } },
    detail: "uses the public subnet aws_subnet.public_a (it routes to an internet gateway)",
  },
  {
    rule: "NG-002",
    ok: { "aws_eks_node_group.g": { remote_access: { ec2_ssh_key: "k", source_security_group_ids: ["sg-1"] } } },
    bad: { "aws_eks_node_group.g": { remote_access: { ec2_ssh_key: "k" } } },
    detail: "opens SSH to 0.0.0.0/0 (remote_access without source_security_group_ids)",
  },
  {
    rule: "ASG-001",
    ok: { ...network, "aws_autoscaling_group.a": { vpc_zone_identifier: privateIds } },
    bad: { ...network, "aws_autoscaling_group.a": { vpc_zone_identifier: ["subnet-0abc"] } },
    detail: 'uses subnet "subnet-0abc", which is not a subnet of this stack and cannot be checked',
  },
  {
    rule: "ASG-002",
    ok: { "aws_autoscaling_group.a": { launch_template: { id: "${aws_launch_template.t.id}" } } },
    bad: { "aws_autoscaling_group.a": { launch_configuration: "${aws_launch_configuration.lc.name}" } },
    detail: "uses a launch configuration",
  },
  {
    rule: "ASG-003",
    ok: { "aws_autoscaling_group.a": { tag: [{ key: "kubernetes.io/cluster/c", value: "owned", propagate_at_launch: true }] } },
    bad: { "aws_autoscaling_group.a": { tag: [{ key: "kubernetes.io/cluster/c", value: "owned", propagate_at_launch: false }] } },
    detail: "does not propagate kubernetes.io/cluster/c at launch",
  },
  {
    rule: "EC2-001",
    ok: { "aws_launch_template.t": template },
    bad: { "aws_launch_configuration.lc": { image_id: "ami-1" } },
    detail: "is a launch configuration",
  },
  {
    rule: "S3-001",
    ok: bucket,
    bad: without(bucket, "aws_s3_bucket_versioning.v"),
    detail: "has no aws_s3_bucket_versioning with status Enabled",
  },
  {
    rule: "S3-002",
    ok: bucket,
    bad: {
      ...bucket,
      "aws_s3_bucket_server_side_encryption_configuration.e": {
        bucket: "${aws_s3_bucket.b.id}",
        rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }],
      },
    },
    detail: "does not encrypt with aws:kms and a customer key",
  },
  {
    rule: "S3-003",
    ok: bucket,
    bad: {
      ...bucket,
      "aws_s3_bucket_public_access_block.p": { bucket: "${aws_s3_bucket.b.id}", block_public_acls: true, block_public_policy: true },
    },
    detail: "does not set ignore_public_acls, restrict_public_buckets",
  },
  {
    rule: "S3-004",
    ok: bucket,
    bad: without(bucket, "aws_s3_bucket_policy.tls"),
    detail: "has no bucket policy denying requests where aws:SecureTransport is false",
  },
  {
    rule: "S3-005",
    ok: bucket,
    bad: without(bucket, "aws_s3_bucket_ownership_controls.o"),
    detail: "does not enforce BucketOwnerEnforced ownership",
  },
  {
    rule: "S3-006",
    ok: bucket,
    bad: without(bucket, "aws_s3_bucket_lifecycle_configuration.l"),
    detail: "has no enabled lifecycle rule that expires noncurrent versions or aborts incomplete uploads",
  },
  {
    rule: "TF-001",
    stack: "alpha-backend",
    ok: { "aws_dynamodb_table.lock": { ...table, lifecycle: { prevent_destroy: true } } },
    bad: { "aws_dynamodb_table.lock": table },
    detail: "has no lifecycle.prevent_destroy",
  },
  {
    rule: "DDB-001",
    ok: { "aws_dynamodb_table.t": table },
    bad: { "aws_dynamodb_table.t": { ...table, point_in_time_recovery: { enabled: false } } },
    detail: "has no point-in-time recovery",
  },
  {
    rule: "DDB-002",
    ok: { "aws_dynamodb_table.t": table },
    bad: { "aws_dynamodb_table.t": { ...table, server_side_encryption: { enabled: true } } },
    detail: "has no customer KMS key (kms_key_arn)",
  },
  {
    rule: "DDB-003",
    ok: { "aws_dynamodb_table.t": table },
    bad: { "aws_dynamodb_table.t": { ...table, deletion_protection_enabled: false } },
    detail: "has no deletion protection",
  },
  {
    rule: "ECR-001",
    ok: { "aws_ecr_repository.r": repo },
    bad: { "aws_ecr_repository.r": { ...repo, image_scanning_configuration: { scan_on_push: false } } },
    detail: "does not scan on push",
  },
  {
    rule: "ECR-002",
    ok: { "aws_ecr_repository.r": repo },
    bad: { "aws_ecr_repository.r": { ...repo, image_tag_mutability: "MUTABLE" } },
    detail: 'has "MUTABLE" tags',
  },
  {
    rule: "ECR-003",
    ok: { "aws_ecr_repository.r": repo },
    bad: { "aws_ecr_repository.r": { ...repo, encryption_configuration: [{ encryption_type: "AES256" }] } },
    detail: "is not encrypted with a customer KMS key",
  },
  {
    rule: "ECR-004",
    ok: { "aws_ecr_repository.r": repo, "aws_ecr_lifecycle_policy.l": { repository: "${aws_ecr_repository.r.name}" } },
    bad: { "aws_ecr_repository.r": repo },
    detail: "has no lifecycle policy",
  },
  {
    rule: "IAM-001",
    ok: { "aws_iam_policy.p": { policy: policy([{ Effect: "Allow", Action: ["s3:GetObject"], Resource: "*" }]) } },
    bad: { "aws_iam_policy.p": { policy: policy([{ Effect: "Allow", Action: "*", Resource: "*" }]) } },
    detail: 'allows Action "*" on Resource "*" (full admin)',
  },
  {
    rule: "IAM-002",
    ok: { "aws_iam_role_policy.p": { policy: policy([{ Effect: "Allow", Action: "s3:*", Resource: "${aws_s3_bucket.b.arn}" }]) } },
    bad: {
      "aws_iam_role_policy.p": { policy: policy([{ Sid: "Nlb", Effect: "Allow", Action: ["elasticloadbalancing:*"], Resource: "*" }]) },
    },
    detail: 'allows elasticloadbalancing:* on Resource "*" in statement Nlb',
  },
  {
    rule: "IAM-003",
    ok: { "aws_iam_role.r": { assume_role_policy: serviceTrust("eks.amazonaws.com") } },
    bad: {
      "aws_iam_role.r": {
        assume_role_policy: policy([{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "sts:AssumeRole" }]),
      },
    },
    detail: "trusts the whole account arn:aws:iam::123456789012:root without conditions",
  },
  {
    rule: "IAM-004",
    ok: {
      "aws_iam_role.r": {
        assume_role_policy: irsaTrust({
          StringEquals: { [`${host}:sub`]: "system:serviceaccount:kube-system:sa", [`${host}:aud`]: "sts.amazonaws.com" },
        }),
      },
    },
    bad: { "aws_iam_role.r": { assume_role_policy: irsaTrust({ StringLike: { [`${host}:sub`]: "system:serviceaccount:*" } }) } },
    detail: "trusts web identities without a StringEquals :sub condition (any service account could assume it)",
  },
  {
    rule: "IAM-004",
    ok: {
      "aws_iam_role.r": {
        assume_role_policy: irsaTrust({
          StringEquals: {
            "token.actions.githubusercontent.com:sub": "repo:acme/platform:pull_request",
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
          },
        }),
      },
    },
    bad: {
      "aws_iam_role.r": {
        assume_role_policy: irsaTrust({
          StringEquals: {
            "token.actions.githubusercontent.com:sub": "repo:acme/*",
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
          },
        }),
      },
    },
    detail: 'trusts "repo:acme/*", not one GitHub Actions subject ("repo:<owner>/<name>:...")',
  },
  {
    rule: "IAM-004",
    ok: {
      "aws_iam_role.r": {
        assume_role_policy: irsaTrust({
          StringEquals: { [`${host}:sub`]: "system:serviceaccount:kube-system:sa", [`${host}:aud`]: "sts.amazonaws.com" },
        }),
      },
    },
    bad: {
      "aws_iam_role.r": {
        assume_role_policy: irsaTrust({
          StringEquals: { [`${host}:sub`]: "repo:acme/platform:pull_request", [`${host}:aud`]: "sts.amazonaws.com" },
        }),
      },
    },
    detail: 'trusts "repo:acme/platform:pull_request", not one service account',
  },
  {
    rule: "IAM-005",
    ok: {
      "aws_iam_role.r": {
        assume_role_policy: policy([
          {
            Effect: "Allow",
            Principal: { Service: "eks-fargate-pods.amazonaws.com" },
            Action: "sts:AssumeRole",
            Condition: { ArnLike: { "aws:SourceArn": "arn:aws:eks:eu-west-1:1:fargateprofile/c/*" } },
          },
        ]),
      },
    },
    bad: { "aws_iam_role.r": { assume_role_policy: serviceTrust("eks-fargate-pods.amazonaws.com") } },
    detail: "trusts eks-fargate-pods.amazonaws.com without an aws:SourceArn condition on one cluster's profiles",
  },
  {
    rule: "IAM-006",
    ok: { "aws_iam_role_policy_attachment.a": { policy_arn: "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy" } },
    bad: { "aws_iam_role_policy_attachment.a": { policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" } },
    detail: "attaches AdministratorAccess",
  },
  {
    rule: "SG-001",
    ok: { "aws_vpc_security_group_ingress_rule.r": { cidr_ipv4: "203.0.113.0/24", from_port: 22, to_port: 22, description: "ssh" } },
    bad: {
      "aws_security_group.s": { description: "x", ingress: [{ from_port: 22, to_port: 22, protocol: "tcp", cidr_blocks: ["0.0.0.0/0"] }] },
    },
    detail: "allows ingress from 0.0.0.0/0",
  },
  {
    rule: "SG-002",
    ok: { "aws_vpc_security_group_egress_rule.e": { description: "egress" } },
    bad: { "aws_vpc_security_group_egress_rule.e": { ip_protocol: "-1" } },
    detail: "has no description",
  },
  {
    rule: "SG-003",
    ok: { "aws_vpc.v": { cidr_block: "10.0.0.0/16" }, "aws_default_security_group.d": { vpc_id: "${aws_vpc.v.id}" } },
    bad: { "aws_vpc.v": { cidr_block: "10.0.0.0/16" } },
    detail: "has no aws_default_security_group locking its default group down",
  },
  {
    rule: "LOG-001",
    ok: { "aws_cloudwatch_log_group.g": { name: "g", retention_in_days: 365 } },
    bad: { "aws_cloudwatch_log_group.g": { name: "g" } },
    detail: "does not set retention_in_days",
  },
  {
    rule: "LOG-002",
    ok: { "aws_cloudwatch_log_group.g": { name: "g", retention_in_days: 731 } },
    bad: { "aws_cloudwatch_log_group.g": { name: "g", retention_in_days: 30 } },
    detail: "keeps logs for 30 days",
  },
  {
    rule: "LOG-003",
    ok: {
      "aws_kms_key.logs": {
        policy: policy([
          { Effect: "Allow", Principal: { Service: "logs.eu-west-1.amazonaws.com" }, Action: "kms:Decrypt*", Resource: "*" },
        ]),
      },
      "aws_cloudwatch_log_group.g": { name: "g", kms_key_id: "${aws_kms_key.logs.arn}" },
    },
    bad: {
      "aws_kms_key.logs": {
        policy: policy([
          { Effect: "Allow", Principal: { Service: "logs.eu-west-1.amazonaws.com" }, Action: "kms:Decrypt*", Resource: "*" },
        ]),
      },
      "aws_cloudwatch_log_group.g": { name: "g" },
    },
    detail: "has no kms_key_id although the environment encrypts its logs",
  },
  { rule: "KMS-001", ok: { "aws_kms_key.k": { enable_key_rotation: true } }, bad: { "aws_kms_key.k": {} }, detail: "does not rotate" },
  {
    rule: "KMS-002",
    ok: {
      "aws_kms_key.k": {
        enable_key_rotation: true,
        policy: policy([{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::1:root" }, Action: "kms:*", Resource: "*" }]),
      },
    },
    bad: {
      "aws_kms_key.k": {
        enable_key_rotation: true,
        policy: policy([{ Effect: "Allow", Principal: "*", Action: "kms:Decrypt", Resource: "*" }]),
      },
    },
    detail: 'allows Principal "*" without conditions',
  },
  {
    rule: "VPC-001",
    ok: { "aws_vpc.v": {}, "aws_flow_log.f": { vpc_id: "${aws_vpc.v.id}" } },
    bad: { "aws_vpc.v": {} },
    detail: "has no aws_flow_log",
  },
  {
    rule: "VPC-002",
    ok: { "aws_subnet.s": { map_public_ip_on_launch: false } },
    bad: { "aws_subnet.s": { map_public_ip_on_launch: true } },
    detail: "assigns public IPs at launch",
  },
  {
    rule: "VPC-003",
    ok: { "aws_vpc.v": { enable_dns_support: true, enable_dns_hostnames: true }, "aws_eks_cluster.c": cluster },
    bad: { "aws_vpc.v": { enable_dns_support: true }, "aws_eks_cluster.c": cluster },
    detail: "does not set enable_dns_hostnames",
  },
  {
    rule: "FG-001",
    ok: { ...network, "aws_eks_fargate_profile.f": { subnet_ids: privateIds } },
    bad: { ...network, "aws_eks_fargate_profile.f": { subnet_ids: [...privateIds, ...publicIds] } },
    detail: "uses the public subnet aws_subnet.public_a (it routes to an internet gateway)",
  },
  {
    rule: "KRP-001",
    stack: "test-workloads",
    ok: {
      ...poolRelease(),
      "helm_release.ondemand": objectRelease(nodePool("od", "default", { ...poolOptions, capacityTypes: ["on-demand"], cpuLimit: "none" })),
    },
    bad: poolRelease({ cpuLimit: "none" }),
    detail: "may launch spot instances but sets no spec.limits.cpu",
  },
  {
    rule: "KRP-002",
    stack: "test-workloads",
    ok: poolRelease(),
    bad: poolRelease({ consolidateAfter: "Never", expireAfter: "Never" }),
    detail:
      "never consolidates (spec.disruption.consolidateAfter Never) and never expires its nodes (spec.template.spec.expireAfter Never)",
  },
  {
    rule: "KRP-003",
    stack: "test-workloads",
    ok: { "helm_release.class": objectRelease(goodClass), "kubernetes_manifest.class": { manifest: goodClass } },
    bad: {
      "kubernetes_manifest.class": {
        manifest: { ...goodClass, spec: { ...goodClass.spec, metadataOptions: { httpTokens: "optional", httpPutResponseHopLimit: 2 } } },
      },
    },
    detail: "does not require IMDSv2 (spec.metadataOptions.httpTokens); does not set spec.metadataOptions.httpPutResponseHopLimit to 1",
  },
];

function only(rule: PolicyRule, resources: Resources, stackName = "test-platform") {
  const report = evaluateStack(stackName, stack(resources), [], [rule]);
  return [...report.errors, ...report.warnings].map((v) => v.detail);
}

describe("policy rules", () => {
  it("has at least 30 rules, each with a unique stable id, a fix, and a compliant and a non-compliant fixture", () => {
    expect(ALL_RULES.length).toBeGreaterThanOrEqual(30);
    expect(new Set(ALL_RULES.map((r) => r.id)).size).toBe(ALL_RULES.length);
    expect([...new Set(cases.map((c) => c.rule))].sort()).toEqual(ALL_RULES.map((r) => r.id).sort());
    for (const r of ALL_RULES) {
      expect(r.fix.length, r.id).toBeGreaterThan(10);
      expect(r.description.length, r.id).toBeGreaterThan(30);
      for (const m of r.mirrors) {
        expect(m, r.id).toMatch(/^(CKV2?_AWS_\d+|AWS-\d{4})$/);
        expect(r.description, `${r.id} names ${m}`).toMatch(new RegExp(`\\b${m}\\b`));
      }
    }
  });

  it.each(cases)("$rule: passes the compliant fixture and reports the non-compliant one: $detail", (c) => {
    const rule = ALL_RULES.find((r) => r.id === c.rule)!;
    expect(only(rule, c.ok, c.stack)).toEqual([]);
    expect(only(rule, c.bad, c.stack)).toEqual([c.detail]);
  });
});

describe("policy rules in an existing VPC (vpc.existing): subnets and the VPC are declared, not defined", () => {
  const network = {
    vpcId: "vpc-0a1b2c3d4e5f60718",
    privateSubnetIds: ["subnet-0a000000000000001", "subnet-0a000000000000002"],
    publicSubnetIds: ["subnet-0b000000000000001"],
  };
  const declared = (rule: string, resources: Resources) => {
    const report = evaluateStack("test-platform", stack(resources), [], [ALL_RULES.find((r) => r.id === rule)!], network);
    return [...report.errors, ...report.warnings].map((v) => v.detail);
  };
  const priv = network.privateSubnetIds;

  it.each([
    ["NG-001", "aws_eks_node_group.n", "subnet_ids"],
    ["ASG-001", "aws_autoscaling_group.a", "vpc_zone_identifier"],
    ["FG-001", "aws_eks_fargate_profile.f", "subnet_ids"],
  ])("%s: accepts the declared private subnets, refuses a declared public one, and cannot vouch for others", (rule, address, field) => {
    expect(declared(rule, { [address]: { [field]: priv } })).toEqual([]);
    expect(declared(rule, { [address]: { [field]: [...priv, "subnet-0b000000000000001"] } })).toEqual([
      "uses subnet-0b000000000000001, a public subnet of the existing VPC (vpc.existing.publicSubnets)",
    ]);
    expect(declared(rule, { [address]: { [field]: [...priv, "subnet-0c000000000000001"] } })).toEqual([
      'uses subnet "subnet-0c000000000000001", which is not a subnet of this stack and cannot be checked',
    ]);
  });

  it("VPC-001: the cluster in an existing VPC needs a flow log of that VPC in the stack", () => {
    const logged = { "aws_eks_cluster.c": cluster, "aws_flow_log.f": { vpc_id: network.vpcId } };
    expect(declared("VPC-001", logged)).toEqual([]);
    expect(declared("VPC-001", { "aws_eks_cluster.c": cluster, "aws_flow_log.f": { vpc_id: "vpc-0f0e0d0c0b0a09080" } })).toEqual([
      "runs in the existing VPC vpc-0a1b2c3d4e5f60718, which no aws_flow_log of the stack logs",
    ]);
    // Without a declared VPC the cluster is not what the rule looks at: its VPC is a resource.
    expect(
      only(
        ALL_RULES.find((r) => r.id === "VPC-001")!,
        { "aws_eks_cluster.c": cluster },
      ),
    ).toEqual([]);
  });
});

describe("the rule table of docs/policy.md", () => {
  it("lists every rule of the pack with its level", async () => {
    const fs = await import("node:fs");
    const doc = fs.readFileSync(new URL("../../docs/policy.md", import.meta.url), "utf8");
    for (const r of ALL_RULES) expect(doc, r.id).toMatch(new RegExp(`\\| ${r.id} +\\| ${r.level} +\\|`));
  });
});
