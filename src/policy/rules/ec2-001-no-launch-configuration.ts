import { nonCompliant, type PolicyRule } from "../types";

/** Launch configurations are gone: new accounts cannot create them. */
export const EC2_001: PolicyRule = {
  id: "EC2-001",
  title: "No launch configurations",
  description:
    "Launch configurations get no new instance types since 2023 and cannot be created by accounts created on or after 2024-10-01; the first blog post used one. AWS Auto Scaling user guide.",
  mirrors: [],
  level: "error",
  resourceTypes: ["aws_launch_configuration"],
  fix: "use aws_launch_template",
  check: () => nonCompliant("is a launch configuration"),
};
