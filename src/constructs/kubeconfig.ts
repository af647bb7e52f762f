import { File } from "@cdktf/provider-local/lib/file";
import { Construct } from "constructs";
import * as path from "node:path";
import { renderKubeconfig, type KubeconfigInput } from "../lib/kubeconfig";
import { requireValidProps } from "../lib/validation";

/** Props of {@link Kubeconfig}. */
export interface KubeconfigProps extends KubeconfigInput {
  /**
   * File to write, relative to the project root (the platform stack runs three folders below it,
   * in cdktf.out/stacks/<stack>/). @default - no file, only `content`
   */
  readonly projectPath?: string;
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
    const p = props.projectPath;
    requireValidProps("Kubeconfig", [
      [
        "projectPath",
        p,
        p !== undefined &&
          (path.isAbsolute(p) || p.startsWith("~") || p.split(/[\\/]/).includes("..")) &&
          "must be a relative path inside the project",
      ],
    ]);
    this.content = renderKubeconfig(props);
    if (p !== undefined) {
      this.file = new File(this, "file", {
        filename: path.posix.join("..", "..", "..", p),
        content: this.content,
        filePermission: "0600",
        directoryPermission: "0700",
      });
    }
  }
}
