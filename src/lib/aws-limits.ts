/**
 * AWS naming rules, as pure checks. Each returns `undefined` when the name is acceptable, or a phrase
 * that completes "... is invalid: <phrase>". Each names the AWS documentation page it follows.
 */

/** S3 bucket names (Amazon S3 User Guide, bucket naming rules). We also refuse dots: they break virtual-host TLS (Trivy AWS-0320). */
export function s3BucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return `S3 bucket names are 3-63 characters, this one has ${name.length}`;
  if (!/^[a-z0-9-]+$/.test(name)) return "S3 bucket names allow only lowercase letters, digits and hyphens";
  if (!/^[a-z0-9].*[a-z0-9]$/.test(name)) return "S3 bucket names must begin and end with a letter or digit";
  for (const prefix of ["xn--", "sthree-", "amzn-s3-demo-"]) {
    if (name.startsWith(prefix)) return `S3 bucket names must not start with "${prefix}"`;
  }
  for (const suffix of ["-s3alias", "--ol-s3", "--x-s3", "--table-s3"]) {
    if (name.endsWith(suffix)) return `S3 bucket names must not end with "${suffix}"`;
  }
  return undefined;
}

/** DynamoDB table names (Amazon DynamoDB Developer Guide, naming rules). */
export function dynamodbTableNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 255) return `DynamoDB table names are 3-255 characters, this one has ${name.length}`;
  if (!/^[a-zA-Z0-9_.-]+$/.test(name)) return "DynamoDB table names allow only letters, digits, '_', '.' and '-'";
  return undefined;
}

/** KMS alias names: `alias/` plus 1-250 of `[a-zA-Z0-9/_-]`, never in the reserved `alias/aws/` space. */
export function kmsAliasProblem(alias: string): string | undefined {
  if (!/^alias\/[a-zA-Z0-9/_-]{1,250}$/.test(alias)) return "KMS aliases are alias/ plus 1-250 of letters, digits, '/', '_' and '-'";
  if (alias.startsWith("alias/aws/")) return "the alias/aws/ prefix is reserved for AWS managed keys";
  return undefined;
}

/** EKS cluster names (Amazon EKS API, CreateCluster name). */
export function eksClusterNameProblem(name: string): string | undefined {
  if (name.length < 1 || name.length > 100) return `EKS cluster names are 1-100 characters, this one has ${name.length}`;
  if (!/^[0-9A-Za-z][0-9A-Za-z_-]*$/.test(name))
    return "EKS cluster names allow letters, digits, '-' and '_', starting with a letter or digit";
  return undefined;
}

/** IAM role names (IAM User Guide, IAM name requirements). */
export function iamRoleNameProblem(name: string): string | undefined {
  if (name.length < 1 || name.length > 64) return `IAM role names are 1-64 characters, this one has ${name.length}`;
  if (!/^[\w+=,.@-]+$/.test(name)) return "IAM role names allow letters, digits and +=,.@_-";
  return undefined;
}

/** ECR repository names (Amazon ECR API, CreateRepository repositoryName). */
export function ecrRepositoryNameProblem(name: string): string | undefined {
  if (name.length < 2 || name.length > 256) return `ECR repository names are 2-256 characters, this one has ${name.length}`;
  if (!/^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/.test(name)) {
    return "ECR repository names are lowercase letters and digits separated by single '.', '_', '-' or '/'";
  }
  return undefined;
}

/** Launch template names (Amazon EC2 API, CreateLaunchTemplate LaunchTemplateName). */
export function launchTemplateNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 128) return `launch template names are 3-128 characters, this one has ${name.length}`;
  if (!/^[a-zA-Z0-9().\-/_]+$/.test(name)) return "launch template names allow letters, digits and ().-/_";
  return undefined;
}

/** Autoscaling group names (1-255, no ':' in practice for tags and ARNs). */
export function autoscalingGroupNameProblem(name: string): string | undefined {
  if (name.length < 1 || name.length > 255) return `autoscaling group names are 1-255 characters, this one has ${name.length}`;
  if (name.includes(":")) return "autoscaling group names must not contain ':'";
  return undefined;
}

/** EKS managed node group and Fargate profile names (Amazon EKS API, CreateNodegroup and CreateFargateProfile: at most 63). */
export function eksChildNameProblem(name: string): string | undefined {
  if (name.length < 1 || name.length > 63)
    return `EKS node group and Fargate profile names are 1-63 characters, this one has ${name.length}`;
  if (!/^[0-9A-Za-z][0-9A-Za-z_-]*$/.test(name)) return "EKS node group and Fargate profile names allow letters, digits, '-' and '_'";
  return undefined;
}

/** SQS queue names (Amazon SQS API, CreateQueue QueueName: 1-80 of letters, digits, '-' and '_'). */
export function sqsQueueNameProblem(name: string): string | undefined {
  if (name.length < 1 || name.length > 80) return `SQS queue names are 1-80 characters, this one has ${name.length}`;
  if (!/^[A-Za-z0-9_-]+$/.test(name)) return "SQS queue names allow letters, digits, '-' and '_'";
  return undefined;
}

/** EventBridge rule names (Amazon EventBridge API, PutRule Name: 1-64 of letters, digits and `.-_`). */
export function eventRuleNameProblem(name: string): string | undefined {
  if (name.length < 1 || name.length > 64) return `EventBridge rule names are 1-64 characters, this one has ${name.length}`;
  if (!/^[.\-_A-Za-z0-9]+$/.test(name)) return "EventBridge rule names allow letters, digits and .-_";
  return undefined;
}

/** CloudWatch log group names (1-512 of `[\.\-_/#A-Za-z0-9]`). */
export function logGroupNameProblem(name: string): string | undefined {
  if (name.length < 1 || name.length > 512) return `log group names are 1-512 characters, this one has ${name.length}`;
  if (!/^[.\-_/#A-Za-z0-9]+$/.test(name)) return "log group names allow letters, digits and ._-/#";
  return undefined;
}

/** Kubernetes label keys: optional DNS prefix (<= 253) + "/" + name (1-63). */
export function labelKeyProblem(key: string): string | undefined {
  const [prefix, name] = key.includes("/") ? [key.slice(0, key.lastIndexOf("/")), key.slice(key.lastIndexOf("/") + 1)] : [undefined, key];
  if (prefix !== undefined && (prefix.length > 253 || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(prefix))) {
    return "has an invalid prefix: a lowercase DNS subdomain of at most 253 characters";
  }
  if (name.length < 1 || name.length > 63 || !/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(name)) {
    return "must be 1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit (plus an optional prefix/)";
  }
  return undefined;
}

/** Kubernetes label values: 0-63, alphanumeric at both ends. */
export function labelValueProblem(value: string): string | undefined {
  if (value.length > 63 || (value.length > 0 && !/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(value))) {
    return "must be at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
  }
  return undefined;
}
