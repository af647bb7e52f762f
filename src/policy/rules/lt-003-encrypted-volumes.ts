import { block, blocks } from "../context";
import { COMPLIANT, nonCompliant, type PolicyRule } from "../types";

/** Every EBS volume a template defines is encrypted. */
export const LT_003: PolicyRule = {
  id: "LT-003",
  title: "Launch template volumes are encrypted",
  description:
    "Node volumes hold images, logs and emptyDir data. No scanner checks launch templates for this (Checkov CKV_AWS_8 covers launch configurations only).",
  mirrors: [],
  level: "error",
  resourceTypes: ["aws_launch_template"],
  fix: 'set block_device_mappings.ebs.encrypted = "true"',
  check: (r) => {
    const mappings = blocks(r.config.block_device_mappings);
    if (mappings.length === 0)
      return nonCompliant(
        "defines no block_device_mappings, so the root volume follows the AMI (unencrypted unless the account default says otherwise)",
      );
    const plain = mappings.filter((m) => String(block(m.ebs)?.encrypted) !== "true");
    return plain.length === 0 ? COMPLIANT : nonCompliant(`leaves ${plain.map((m) => m.device_name).join(", ")} unencrypted`);
  },
};
