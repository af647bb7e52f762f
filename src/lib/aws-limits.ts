/**
 * AWS naming rules, as pure checks. Each returns `undefined` when the name is acceptable, or a phrase
 * that completes "... is invalid: <phrase>". Sources: `shared/reference/security-and-reliability.md` §4.
 */

/** S3 bucket names (row M). We also refuse dots: they break virtual-host TLS (Trivy AWS-0320). */
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

/** DynamoDB table names (row N). */
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
