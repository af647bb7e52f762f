import { TerraformElement, TerraformOutput, TerraformStack } from "cdktf";
import type { Node } from "constructs";

/**
 * A stack with readable Terraform addresses: the construct path below the stack joined with "_"
 * (`aws_s3_bucket.state_bucket`), instead of cdktf's path plus a hash. Addresses are what a plan
 * review shows and what state is keyed by, so they must read well and never change by accident.
 * Two constructs that would share an address are refused rather than silently merged.
 */
export class ReadableStack extends TerraformStack {
  private readonly logicalIds = new Map<string, string>();

  protected override allocateLogicalId(tfElement: TerraformElement | Node): string {
    const node = TerraformElement.isTerraformElement(tfElement) ? tfElement.node : tfElement;
    const components = node.scopes.slice(node.scopes.indexOf(this) + 1).map((c) => c.node.id);
    const id = components.join("_").replace(/[^A-Za-z0-9_-]/g, "_");
    // Outputs live in their own namespace in Terraform; everything else shares one here.
    const key = `${tfElement instanceof TerraformOutput ? "output" : "block"}:${id}`;
    const owner = this.logicalIds.get(key);
    if (owner !== undefined && owner !== node.path) {
      throw new Error(
        `${this.node.id}: constructs "${owner}" and "${node.path}" would both get the Terraform name "${id}"; rename one of them`,
      );
    }
    this.logicalIds.set(key, node.path);
    return id;
  }
}
