/**
 * Every rule of the pack, in id order. Ids are stable: suppressions and reviews name them.
 */
import { ASG_001 } from "./asg-001-private-subnets";
import { ASG_002 } from "./asg-002-launch-template";
import { ASG_003 } from "./asg-003-tags";
import { DDB_001 } from "./ddb-001-pitr";
import { DDB_002 } from "./ddb-002-kms";
import { DDB_003 } from "./ddb-003-deletion-protection";
import { EC2_001 } from "./ec2-001-no-launch-configuration";
import { ECR_001 } from "./ecr-001-scan-on-push";
import { ECR_002 } from "./ecr-002-immutable-tags";
import { ECR_003 } from "./ecr-003-kms";
import { ECR_004 } from "./ecr-004-lifecycle";
import { EKS_001 } from "./eks-001-endpoint-access";
import { EKS_002 } from "./eks-002-secrets-encryption";
import { EKS_003 } from "./eks-003-control-plane-logs";
import { EKS_004 } from "./eks-004-supported-version";
import { EKS_005 } from "./eks-005-private-endpoint";
import { EKS_006 } from "./eks-006-creator-admin";
import { EKS_007 } from "./eks-007-log-group-first";
import { EKS_008 } from "./eks-008-auto-mode-complete";
import { FG_001 } from "./fg-001-private-subnets";
import { IAM_001 } from "./iam-001-no-admin-statements";
import { IAM_002 } from "./iam-002-no-service-wildcards";
import { IAM_003 } from "./iam-003-trust-principals";
import { IAM_004 } from "./iam-004-irsa-trust";
import { IAM_005 } from "./iam-005-fargate-trust";
import { IAM_006 } from "./iam-006-no-administrator-access";
import { KMS_001 } from "./kms-001-rotation";
import { KMS_002 } from "./kms-002-no-public-key-policy";
import { KRP_001 } from "./krp-001-spot-cpu-limit";
import { KRP_002 } from "./krp-002-disruption";
import { KRP_003 } from "./krp-003-node-class-hardening";
import { LOG_001 } from "./log-001-retention";
import { LOG_002 } from "./log-002-retention-year";
import { LOG_003 } from "./log-003-kms-where-chosen";
import { LT_001 } from "./lt-001-imdsv2";
import { LT_002 } from "./lt-002-hop-limit";
import { LT_003 } from "./lt-003-encrypted-volumes";
import { LT_004 } from "./lt-004-no-public-ip";
import { LT_005 } from "./lt-005-no-secrets-in-user-data";
import { NG_001 } from "./ng-001-private-subnets";
import { NG_002 } from "./ng-002-no-open-ssh";
import { S3_001 } from "./s3-001-versioning";
import { S3_002 } from "./s3-002-encryption";
import { S3_003 } from "./s3-003-public-access-block";
import { S3_004 } from "./s3-004-tls-only";
import { S3_005 } from "./s3-005-owner-enforced";
import { S3_006 } from "./s3-006-lifecycle";
import { SG_001 } from "./sg-001-no-open-ingress";
import { SG_002 } from "./sg-002-descriptions";
import { SG_003 } from "./sg-003-default-security-group";
import { TF_001 } from "./tf-001-state-protected";
import { VPC_001 } from "./vpc-001-flow-logs";
import { VPC_002 } from "./vpc-002-no-public-ip-on-launch";
import { VPC_003 } from "./vpc-003-dns-for-eks";
import type { PolicyRule } from "../types";

export const ALL_RULES: readonly PolicyRule[] = [
  ASG_001,
  ASG_002,
  ASG_003,
  DDB_001,
  DDB_002,
  DDB_003,
  EC2_001,
  ECR_001,
  ECR_002,
  ECR_003,
  ECR_004,
  EKS_001,
  EKS_002,
  EKS_003,
  EKS_004,
  EKS_005,
  EKS_006,
  EKS_007,
  EKS_008,
  FG_001,
  IAM_001,
  IAM_002,
  IAM_003,
  IAM_004,
  IAM_005,
  IAM_006,
  KMS_001,
  KMS_002,
  KRP_001,
  KRP_002,
  KRP_003,
  LOG_001,
  LOG_002,
  LOG_003,
  LT_001,
  LT_002,
  LT_003,
  LT_004,
  LT_005,
  NG_001,
  NG_002,
  S3_001,
  S3_002,
  S3_003,
  S3_004,
  S3_005,
  S3_006,
  SG_001,
  SG_002,
  SG_003,
  TF_001,
  VPC_001,
  VPC_002,
  VPC_003,
];
