import { EcrLifecyclePolicy } from "@cdktf/provider-aws/lib/ecr-lifecycle-policy";
import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Construct } from "constructs";
import { ecrRepositoryId as repoId } from "../lib/addressing";

/** Props of {@link Ecr}. */
export interface EcrProps {
  /** Repository name prefix: `<project>-<env>`; repositories are `<prefix>/<image>`. */
  readonly namePrefix: string;
  /** Image names, one repository each (e.g. `karimarttila/debian-openjdk11`). */
  readonly repositories: readonly string[];
  /** IMMUTABLE (a tag cannot be pushed twice) or MUTABLE. */
  readonly imageTagMutability: "IMMUTABLE" | "MUTABLE";
  /** Images kept per repository; older ones expire. */
  readonly keepLastImages: number;
  /** Untagged images expire after this many days. */
  readonly untaggedExpireDays: number;
  /** Delete repositories that still hold images on destroy (ephemeral environments). */
  readonly forceDelete: boolean;
}

/**
 * Defines one ECR repository per image (the first blog post's `ecr` module): scan on push, the
 * tag mutability asked for (the config's default is immutable), KMS encryption with a
 * customer-managed key, and a lifecycle policy that expires untagged images and keeps the newest N.
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
          description: `Expire untagged images after ${props.untaggedExpireDays} days`,
          selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: props.untaggedExpireDays },
          action: { type: "expire" },
        },
        {
          rulePriority: 2,
          description: `Keep the newest ${props.keepLastImages} images`,
          selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: props.keepLastImages },
          action: { type: "expire" },
        },
      ],
    });
    for (const image of props.repositories) {
      const repo = new EcrRepository(this, repoId(image), {
        name: `${props.namePrefix}/${image}`,
        imageTagMutability: props.imageTagMutability,
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfiguration: [{ encryptionType: "KMS", kmsKey: this.key.arn }],
        forceDelete: props.forceDelete,
      });
      new EcrLifecyclePolicy(this, `${repoId(image)}_lifecycle`, { repository: repo.name, policy: lifecycle });
      this.repositories[image] = repo;
      this.repositoryUrls[image] = repo.repositoryUrl;
    }
  }
}
