import { File } from "@cdktf/provider-local/lib/file";
import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import * as path from "node:path";
import { renderKubeconfig, type KubeconfigInput } from "../lib/kubeconfig";

/** Props of {@link Kubeconfig}. */
export interface KubeconfigProps extends KubeconfigInput {
  /** Token helper of the exec block: the AWS CLI (`aws eks get-token`) or aws-iam-authenticator. */
  readonly authenticator: NonNullable<KubeconfigInput["authenticator"]>;
  /**
   * File to write, relative to the project root (the app's `PROJECT_PATHS` context says where that
   * and the output folder are). @default - no file, only `content`
   */
  readonly projectPath?: string;
}

/**
 * The app context key naming the project root and the output folder the stacks end up in (absolute
 * paths), so a file of the project is found from a stack's folder however deep the output folder
 * is. @default - the project root is the output folder's parent (cdktf's `cdktf.out` layout)
 */
export const PROJECT_PATHS = "eks:projectPaths";

/** Where a stack's Terraform runs from, and the project root it writes files into. */
export interface ProjectPaths {
  readonly root: string;
  readonly outdir: string;
}

/** `projectPath` as Terraform resolves it from the folder of `scope`'s stack (`<outdir>/stacks/<stack>`), with `/`. */
export function fromStackFolder(scope: Construct, projectPath: string): string {
  const stack = TerraformStack.of(scope);
  const paths = stack.node.tryGetContext(PROJECT_PATHS) as ProjectPaths | undefined;
  if (!paths) return path.posix.join("..", "..", "..", projectPath);
  const relative = path.relative(path.join(paths.outdir, "stacks", stack.node.id), path.join(paths.root, projectPath));
  return relative.split(path.sep).join("/");
}

/**
 * Defines the environment's kubeconfig (the Fargate post's `kubeconfig.tpl` + `local_file`):
 * rendered by a pure function with an exec block, written with mode 0600 to a file inside the
 * project, never to ~/.kube/config. It holds no token, so nothing secret enters the state.
 */
export class Kubeconfig extends Construct {
  /** The kubeconfig YAML (with references to the cluster's endpoint and CA). */
  readonly content: string;
  /** The file, when one is written. */
  readonly file?: File;

  constructor(scope: Construct, id: string, props: KubeconfigProps) {
    super(scope, id);
    this.content = renderKubeconfig(props);
    if (props.projectPath !== undefined) {
      this.file = new File(this, "file", {
        filename: fromStackFolder(this, props.projectPath),
        content: this.content,
        filePermission: "0600",
        directoryPermission: "0700",
      });
    }
  }
}
