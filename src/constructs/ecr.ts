import { EcrLifecyclePolicy } from "@cdktf/provider-aws/lib/ecr-lifecycle-policy";
import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Construct } from "constructs";
import { ecrRepositoryId as repoId } from "../lib/addressing";
import { ecrRepositoryNameProblem } from "../lib/aws-limits";
import { invalidName, listedTwiceProblems, problemChecks, requireValidProps, type PropCheck } from "../lib/validation";

/** Props of {@link Ecr}. */
export interface EcrProps {
  /** Repository name prefix: `<project>-<env>`; repositories are `<prefix>/<image>`. */
  readonly namePrefix: string;
  /** Image names, one repository each (e.g. `karimarttila/debian-openjdk11`). */
  readonly repositories: readonly string[];
  /** @default "IMMUTABLE" */
  readonly imageTagMutability?: "IMMUTABLE" | "MUTABLE";
  /** Images kept per repository; older ones expire. @default 30 */
  readonly keepLastImages?: number;
  /** Untagged images expire after this many days. @default 7 */
  readonly untaggedExpireDays?: number;
  /** Delete repositories that still hold images on destroy (ephemeral environments). @default false */
  readonly forceDelete?: boolean;
}

const DEFAULT_KEEP_LAST = 30;
const DEFAULT_UNTAGGED_DAYS = 7;

/**
 * Defines one ECR repository per image (the first blog post's `ecr` module): scan on push,
 * immutable tags by default, KMS encryption with a customer-managed key, and a lifecycle policy that
 * expires untagged images and keeps the newest N.
 *
 * @see https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html
 */
export class Ecr extends Construct {
  /** Repositories by image name. */
  readonly repositories: Record<string, EcrRepository> = {};
  /** Repository URLs by image name, for `docker push`. */
  readonly repositoryUrls: Record<string, string> = {};
  readonly key?: KmsKey;

  constructor(scope: Construct, id: string, props: EcrProps) {
    super(scope, id);
    const keep = props.keepLastImages ?? DEFAULT_KEEP_LAST;
    const untaggedDays = props.untaggedExpireDays ?? DEFAULT_UNTAGGED_DAYS;
    const checks: PropCheck[] = [
      ["keepLastImages", keep, (!Number.isInteger(keep) || keep < 1) && "must be a whole number of at least 1"],
      ["untaggedExpireDays", untaggedDays, (!Number.isInteger(untaggedDays) || untaggedDays < 1) && "must be a whole number of at least 1"],
      ...problemChecks("repositories", listedTwiceProblems(props.repositories)),
      ...props.repositories.map((image, i): PropCheck => [
        `repositories[${i}]`,
        image,
        invalidName(ecrRepositoryNameProblem(`${props.namePrefix}/${image}`)),
      ]),
    ];
    requireValidProps("Ecr", checks);
    if (props.repositories.length === 0) return;

    this.key = new KmsKey(this, "key", {
      description: `Encrypts the ECR repositories of ${props.namePrefix}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
    });
    new KmsAlias(this, "key_alias", { name: `alias/${props.namePrefix}-ecr`, targetKeyId: this.key.keyId });

    const lifecycle = JSON.stringify({
      rules: [
        {
          rulePriority: 1,
          description: `Expire untagged images after ${untaggedDays} days`,
          selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: untaggedDays },
          action: { type: "expire" },
        },
        {
          rulePriority: 2,
          description: `Keep the newest ${keep} images`,
          selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: keep },
          action: { type: "expire" },
        },
      ],
    });
    for (const image of props.repositories) {
      const repo = new EcrRepository(this, repoId(image), {
        name: `${props.namePrefix}/${image}`,
        imageTagMutability: props.imageTagMutability ?? "IMMUTABLE",
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfiguration: [{ encryptionType: "KMS", kmsKey: this.key.arn }],
        forceDelete: props.forceDelete ?? false,
      });
      new EcrLifecyclePolicy(this, `${repoId(image)}_lifecycle`, { repository: repo.name, policy: lifecycle });
      this.repositories[image] = repo;
      this.repositoryUrls[image] = repo.repositoryUrl;
    }
  }
}
