import { TerraformElement, TerraformOutput, TerraformStack } from "cdktf";
import type { Node } from "constructs";
import { isTransparentScope, PRIMARY_RESOURCE_ID, terraformName } from "../lib/addressing";
import type { TerraformJson } from "../lib/synthesized";

/**
 * A stack with readable Terraform addresses: the construct path below the stack joined with "_"
 * (`aws_s3_bucket.state_bucket`), instead of cdktf's path plus a hash; ids "Resource" and
 * transparent scopes are left out (`aws_eks_cluster.eks`). Addresses are what a plan review shows
 * and what state is keyed by, so they must read well and never change by accident. Two constructs
 * that would share an address are refused rather than silently merged.
 */
export class ReadableStack extends TerraformStack {
  private readonly logicalIds = new Map<string, string>();
  private frozen?: TerraformJson;

  /**
   * Resolves the stack's Terraform JSON once and returns that same JSON from every later
   * `toTerraform()`. `EksApp` calls it after `prepareStack()`, when the configuration is final: the
   * policy check and the synthesizer then share one resolution instead of resolving every token
   * twice (`npm run bench` measured the second resolution at about a third of synth time).
   */
  freeze(): TerraformJson {
    return (this.frozen ??= super.toTerraform() as TerraformJson);
  }

  override toTerraform(): TerraformJson {
    return this.frozen ?? (super.toTerraform() as TerraformJson);
  }

  protected override allocateLogicalId(tfElement: TerraformElement | Node): string {
    const node = TerraformElement.isTerraformElement(tfElement) ? tfElement.node : tfElement;
    const components = node.scopes
      .slice(node.scopes.indexOf(this) + 1)
      .filter((c, i, all) => !isTransparentScope(c) && !(c.node.id === PRIMARY_RESOURCE_ID && i > 0 && i === all.length - 1))
      .map((c) => c.node.id);
    const id = terraformName(components);
    if (id === "") throw new Error(`${node.path}: a "${PRIMARY_RESOURCE_ID}" needs a named parent to take its Terraform name from`);
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
