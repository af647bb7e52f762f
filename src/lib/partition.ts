/**
 * The AWS partition (`aws`, `aws-cn`, `aws-us-gov`) of a stack, resolved once per stack: every
 * construct that writes an ARN asks for it here and gets the same `data.aws_partition.partition`.
 */
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { TerraformStack } from "cdktf";
import type { IConstruct } from "constructs";

/** The construct id, and so the Terraform name, of a stack's partition data source. */
const PARTITION_ID = "partition";

/** The partition of the stack `scope` belongs to, as a token; the data source is created on first use. */
export function stackPartition(scope: IConstruct): string {
  const stack = TerraformStack.of(scope);
  const existing = stack.node.tryFindChild(PARTITION_ID);
  if (existing !== undefined && !(existing instanceof DataAwsPartition)) {
    throw new Error(`${stack.node.path}: "${PARTITION_ID}" is reserved for the stack's aws_partition data source`);
  }
  return (existing ?? new DataAwsPartition(stack, PARTITION_ID)).partition;
}
